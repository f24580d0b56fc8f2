exports.handle = function (request) {
  return 'unbalanced';
;

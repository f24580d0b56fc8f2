'use strict';

// A CloudEvents function. An incoming event (binary or structured mode) arrives as request.event:
// { specversion, id, source, type, datacontenttype?, subject?, time?, data, ...extensions }.
// Returning an object with a specversion key sends that event back in binary mode (the platform's
// broker re-ingests it); returning nothing answers 204 (event consumed, no reply).

/** Identifies this function as the source of the events it sends: make it yours. */
const SOURCE = 'urn:serverless:function:example';

exports.handle = async (request) => {
  const event = request.event;
  if (!event) {
    return { status: 400, body: 'expected a CloudEvent' };
  }
  return {
    specversion: '1.0',
    type: `${event.type}.processed`,
    source: SOURCE,
    // id is generated when left out
    datacontenttype: 'application/json',
    data: { original: event.id, data: event.data },
  };
};

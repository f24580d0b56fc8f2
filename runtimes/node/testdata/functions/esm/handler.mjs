// An ES module function: loaded through import().
export default async function (request) {
  return `esm default ${request.method}`;
}

export const named = (request) => `esm named ${request.query.name ?? 'world'}`;

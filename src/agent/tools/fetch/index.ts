/** The guarded fetch shared by `http_fetch` and scripts' `host.fetch`: one policy, one grammar of host grants. */
export { guardedFetch, type FetchPolicy, type FetchResult } from './guarded-fetch.js';
export { parseFetchRequest, fetchMethods, type FetchRequest, type FetchRequestInput, type ParseFetchRequestOptions } from './parse-fetch-request.js';
export { checkFetchUrl } from './check-fetch-url.js';

// The review panel's client of the REST API: JSON requests with the CSRF token, the API's
// refusals ({detail, code}) as ApiError, and lists followed across pages.

import { gettext, interpolate } from "../i18n.js";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || interpolate(gettext("The server answered %(status)s."), { status }));
    this.status = status;
    this.code = body && body.code;
  }
}

/** The path of a page link (`next`) relative to `apiRoot`, as `request` takes it. */
export function relativeNext(next, apiRoot) {
  if (!next) return "";
  return next.slice(next.indexOf(apiRoot) + apiRoot.length);
}

export class ReviewApi {
  /** `apiRoot` ends with a slash ("/api/v1/"); `fetchImpl` is the browser's fetch unless a
   * test gives another. */
  constructor({ apiRoot, csrf = "", fetchImpl = null }) {
    this.apiRoot = apiRoot;
    this.csrf = csrf;
    this.fetch = fetchImpl || ((...args) => fetch(...args));
  }

  /** One request; resolves to the JSON answer, rejects with an ApiError saying why. */
  async request(path, method = "GET", body = undefined) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRFToken"] = this.csrf;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await this.fetch(this.apiRoot + path, {
        method,
        headers,
        credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, { detail: gettext("The server cannot be reached. Try again.") });
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  /** Every item of a list, following `next` for at most ten pages. */
  async all(path) {
    const items = [];
    let url = path;
    for (let page = 0; page < 10 && url; page += 1) {
      const data = await this.request(url);
      if (Array.isArray(data)) return data;
      items.push(...(data.results || []));
      url = relativeNext(data.next, this.apiRoot);
    }
    return items;
  }
}

'use strict';

/** Names shared by every runtime (and the .NET one); documented in runtimes/README.md. */
const REQUESTS_TOTAL = 'serverless_runtime_requests_total';
const IN_FLIGHT = 'serverless_runtime_in_flight';
const REQUEST_DURATION = 'serverless_runtime_request_duration_seconds';

/** 5 ms to the default FUNCTION_TIMEOUT of 300 s; the same buckets in every runtime (C#, node, python). */
const DURATION_BUCKETS = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]);

/**
 * The runtime's metrics in Prometheus text exposition format 0.0.4. Only invocations are recorded;
 * /healthz, /readyz and /metrics are not. The in-flight gauge is read from the limiter at scrape time,
 * so there is a single source of truth for it.
 */
class RuntimeMetrics {
  #requests = new Map(); // status code -> count
  #bucketCounts = new Array(DURATION_BUCKETS.length).fill(0);
  #count = 0;
  #sum = 0;

  /** labels: { name: value } every series carries (config.metricLabels). */
  constructor(limiter, labels = {}) {
    this.limiter = limiter;
    this.labels = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',');
  }

  record(statusCode, seconds) {
    this.#requests.set(statusCode, (this.#requests.get(statusCode) ?? 0) + 1);
    this.#count++;
    this.#sum += seconds;
    for (let i = 0; i < DURATION_BUCKETS.length; i++) {
      if (seconds <= DURATION_BUCKETS[i]) this.#bucketCounts[i]++;
    }
  }

  render() {
    const lines = [
      `# HELP ${REQUESTS_TOTAL} Function invocations, by HTTP status code.`,
      `# TYPE ${REQUESTS_TOTAL} counter`,
    ];
    const own = this.labels;
    // The identity labels, alone or before a series' own.
    const bare = own === '' ? '' : `{${own}}`;
    const withLabel = (label) => (own === '' ? `{${label}}` : `{${own},${label}}`);
    for (const code of [...this.#requests.keys()].sort((a, b) => a - b)) {
      lines.push(`${REQUESTS_TOTAL}${withLabel(`code="${code}"`)} ${this.#requests.get(code)}`);
    }
    lines.push(
      `# HELP ${IN_FLIGHT} Function invocations being processed.`,
      `# TYPE ${IN_FLIGHT} gauge`,
      `${IN_FLIGHT}${bare} ${this.limiter.inFlight}`,
      `# HELP ${REQUEST_DURATION} Time from receiving an invocation to its response, in seconds.`,
      `# TYPE ${REQUEST_DURATION} histogram`,
    );
    DURATION_BUCKETS.forEach((le, i) => lines.push(`${REQUEST_DURATION}_bucket${withLabel(`le="${le}"`)} ${this.#bucketCounts[i]}`));
    lines.push(
      `${REQUEST_DURATION}_bucket${withLabel('le="+Inf"')} ${this.#count}`,
      `${REQUEST_DURATION}_sum${bare} ${this.#sum}`,
      `${REQUEST_DURATION}_count${bare} ${this.#count}`,
    );
    return lines.join('\n') + '\n';
  }
}

/** A label value in the text format: backslash, double quote and line feed escaped. */
function escapeLabel(value) {
  return String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

module.exports = { RuntimeMetrics, DURATION_BUCKETS, REQUESTS_TOTAL, IN_FLIGHT, REQUEST_DURATION };

//! Prometheus metrics: requests by route and status, latency histograms, outbox depth.
//! Counters are per process (Prometheus scrapes each instance); the outbox depth is read
//! from the database at scrape time, so it is the same on every instance.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// In-process request metrics.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<(String, String), Series>>,
}

impl Metrics {
    /// Records one request: method, matched route (never the raw path, to bound
    /// cardinality), status and duration in seconds.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((method.to_string(), route.to_string(), status))
                .or_default() += 1;
        }
        if let Ok(mut m) = self.latency.lock() {
            let s = m
                .entry((method.to_string(), route.to_string()))
                .or_default();
            s.count += 1;
            s.sum += seconds;
            for (i, b) in BUCKETS.iter().enumerate() {
                if seconds <= *b {
                    s.buckets[i] += 1;
                }
            }
        }
    }

    /// The text exposition format, with the outbox depth given by the caller.
    pub fn render(&self, outbox_depth: i64) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP tocsin_http_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(out, "# TYPE tocsin_http_requests_total counter");
        if let Ok(m) = self.requests.lock() {
            for ((method, route, status), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "tocsin_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP tocsin_http_request_duration_seconds Request latency."
        );
        let _ = writeln!(out, "# TYPE tocsin_http_request_duration_seconds histogram");
        if let Ok(m) = self.latency.lock() {
            for ((method, route), s) in m.iter() {
                let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "tocsin_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}",
                        s.buckets[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "tocsin_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                    s.count
                );
                let _ = writeln!(
                    out,
                    "tocsin_http_request_duration_seconds_sum{{{labels}}} {}",
                    s.sum
                );
                let _ = writeln!(
                    out,
                    "tocsin_http_request_duration_seconds_count{{{labels}}} {}",
                    s.count
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP tocsin_outbox_depth Mail messages waiting for delivery."
        );
        let _ = writeln!(out, "# TYPE tocsin_outbox_depth gauge");
        let _ = writeln!(out, "tocsin_outbox_depth {outbox_depth}");
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.observe("GET", "/healthz", 200, 0.002);
        m.observe("GET", "/healthz", 200, 0.5);
        let text = m.render(3);
        assert!(text.contains(
            "tocsin_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
        ));
        assert!(text.contains("tocsin_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",le=\"0.0025\"} 1"));
        assert!(text.contains(
            "tocsin_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"} 2"
        ));
        assert!(text.contains("tocsin_outbox_depth 3"));
    }
}

//! `plumbline loadtest`: many concurrent statement requests against a running
//! `plumbline serve`, reporting throughput and latency percentiles. Any non-200 is an error.

use anyhow::{Context, bail};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use plumbline_firm::Role;
use plumbline_firm::api::{Persona, TokenResponse};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

type Http = Client<HttpConnector, Full<axum::body::Bytes>>;

/// Options of `plumbline loadtest`.
#[derive(clap::Args)]
pub struct LoadtestArgs {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Requests in all.
    #[arg(long, default_value_t = 10_000)]
    requests: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Statement month, `YYYY-MM` (default: the firm's current month).
    #[arg(long)]
    period: Option<String>,
}

/// What a run measured.
#[derive(Debug)]
pub struct Report {
    /// Requests sent.
    pub requests: usize,
    /// Non-200 answers or failed connections.
    pub errors: usize,
    /// Wall-clock time.
    pub elapsed: Duration,
    /// Latency percentiles (50, 90, 99) and the maximum.
    pub p50: Duration,
    /// 90th percentile.
    pub p90: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// Slowest request.
    pub max: Duration,
}

async fn call(
    http: &Http,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<String>,
) -> anyhow::Result<(u16, Vec<u8>)> {
    let mut request = axum::http::Request::builder().method(method).uri(url);
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    let request = request.body(Full::new(axum::body::Bytes::from(body.unwrap_or_default())))?;
    let response = http.request(request).await?;
    let status = response.status().as_u16();
    Ok((status, response.into_body().collect().await?.to_bytes().to_vec()))
}

/// Signs in as every rep, then requests their statements round-robin.
pub async fn run(args: &LoadtestArgs) -> anyhow::Result<Report> {
    let http: Http = Client::builder(TokioExecutor::new()).pool_max_idle_per_host(args.concurrency).build_http();
    let base = args.url.trim_end_matches('/');
    let (status, body) = call(&http, "GET", &format!("{base}/api/auth/personas"), None, None)
        .await
        .context("is plumbline serve running?")?;
    if status != 200 {
        bail!("GET /api/auth/personas answered {status}");
    }
    let personas: Vec<Persona> = serde_json::from_slice(&body)?;
    let mut targets = Vec::new();
    for p in personas.iter().filter(|p| p.role == Role::Rep) {
        let body = serde_json::json!({ "person_id": p.person_id }).to_string();
        let (status, reply) = call(&http, "POST", &format!("{base}/api/auth/dev-token"), None, Some(body)).await?;
        if status != 200 {
            bail!("sign-in as {} answered {status}", p.person_id);
        }
        let token = serde_json::from_slice::<TokenResponse>(&reply)?.token;
        let query = args.period.as_ref().map(|p| format!("?period={p}")).unwrap_or_default();
        targets.push((format!("{base}/api/statements/{}{query}", p.person_id), token));
    }
    if targets.is_empty() {
        bail!("the firm has no reps to ask statements for");
    }
    let targets = Arc::new(targets);
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let (http, targets, next, errors, total) =
                (http.clone(), targets.clone(), next.clone(), errors.clone(), args.requests);
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= total {
                        return latencies;
                    }
                    let (url, token) = &targets[n % targets.len()];
                    let sent = Instant::now();
                    let ok = matches!(call(&http, "GET", url, Some(token), None).await, Ok((200, _)));
                    latencies.push(sent.elapsed());
                    if !ok {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(args.requests);
    for w in workers {
        latencies.extend(w.await?);
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let at = |q: usize| latencies[((latencies.len() * q).div_ceil(100)).saturating_sub(1)];
    Ok(Report {
        requests: latencies.len(),
        errors: errors.load(Ordering::Relaxed),
        elapsed,
        p50: at(50),
        p90: at(90),
        p99: at(99),
        max: latencies[latencies.len() - 1],
    })
}

/// Runs the load test and prints the report; fails when any request failed.
pub fn main(args: LoadtestArgs) -> anyhow::Result<()> {
    let report = tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(run(&args))?;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} requests, {} concurrent, {} errors in {:.2}s: {:.0} req/s; latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        report.requests,
        args.concurrency,
        report.errors,
        report.elapsed.as_secs_f64(),
        report.requests as f64 / report.elapsed.as_secs_f64(),
        ms(report.p50),
        ms(report.p90),
        ms(report.p99),
        ms(report.max)
    );
    if report.errors > 0 {
        bail!("{} of {} requests failed", report.errors, report.requests);
    }
    Ok(())
}

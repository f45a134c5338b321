//! 10,000 open deals x 10,000 trials over four quarterly periods (target: under 0.3 s on one core).

use criterion::{Criterion, criterion_group, criterion_main};
use plumbline_pipeline::forecast;

#[path = "support/book.rs"]
mod book;

fn bench(c: &mut Criterion) {
    let s = book::spec(10_000, 10_000);
    let mut g = c.benchmark_group("forecast");
    g.sample_size(10);
    g.bench_function("10k deals x 10k trials", |b| b.iter(|| forecast(std::hint::black_box(&s))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! `plumbline`: the one local entry point. Thin: parses arguments and calls library code.

mod audit;
mod import;
mod loadtest;
mod planning;
mod serve;

use plumbline_demo::{DEFAULT_AS_OF, DEFAULT_SEED};

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "plumbline", version, about = "Plumbline sales performance management")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API and the app in one local process on the embedded store.
    Serve(serve::ServeArgs),
    /// Allocate next year's quotas on the demo firm, data-driven beside last year + x%.
    PlanQuotas(planning::PlanQuotasArgs),
    /// Propose balanced territories on the demo firm: who gets which accounts, and why.
    BalanceTerritories(planning::BalanceArgs),
    /// Check the audit log of a local data folder (stop `plumbline serve` first).
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Load-test the statement endpoint of a running `plumbline serve`.
    Loadtest(loadtest::LoadtestArgs),
    /// Validate a CRM, HR, finance, compliance or calendar file and apply it to the store.
    Import(import::ImportArgs),
    /// Run a plan over CSV files and write monthly payouts (see `plumbline_cli::calc`).
    Calc {
        /// The plan document (JSON).
        #[arg(long)]
        plan: PathBuf,
        /// Folder holding transactions.csv and quotas.csv.
        #[arg(long)]
        data: PathBuf,
        /// Where to write payee,month,payout rows.
        #[arg(long)]
        out: PathBuf,
        /// Plan year (its first calendar year), needed when the data spans several.
        #[arg(long)]
        year: Option<i32>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Also write every payee-month's explained statement here, as JSON lines.
        #[arg(long)]
        statements: Option<PathBuf>,
    },
    /// Score the win-probability model and the monthly forecast on a CRM export
    /// (see `plumbline_cli::eval_pipeline`).
    EvalPipeline {
        /// Folder holding sales_pipeline.csv, products.csv and sales_teams.csv.
        #[arg(long)]
        data: PathBuf,
        /// Print one JSON object instead of the report.
        #[arg(long)]
        json: bool,
    },
    /// Write the demo firm as CSV and JSON files.
    DemoData {
        /// Seed: the same seed always gives identical files.
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// The firm's "today"; history runs two years back from it.
        #[arg(long, default_value = DEFAULT_AS_OF)]
        as_of: chrono::NaiveDate,
        /// Folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::PlanQuotas(args) => planning::run_plan_quotas(args),
        Command::BalanceTerritories(args) => planning::run_balance_territories(args),
        Command::Audit(command) => {
            if !audit::run(command)? {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Loadtest(args) => loadtest::main(args),
        Command::Import(args) => import::run(args),
        Command::Calc { plan, data, out, year, threads, statements } => {
            let started = std::time::Instant::now();
            let summary = plumbline_cli::calc::run(&plumbline_cli::calc::CalcOptions {
                plan,
                data,
                out: out.clone(),
                year,
                threads,
                statements,
                engine: plumbline_cli::calc::Engine::Auto,
            })?;
            eprintln!(
                "calc: {} transactions, {} payout rows to {} in {:.3}s",
                summary.transactions,
                summary.rows,
                out.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::EvalPipeline { data, json } => {
            let report = plumbline_cli::eval_pipeline::run(&plumbline_cli::eval_pipeline::EvalOptions::new(data))?;
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                print!("{}", plumbline_cli::eval_pipeline::render(&report));
            }
            Ok(())
        }
        Command::DemoData { seed, as_of, out } => {
            let (firm, planted) = plumbline_demo::generate(&plumbline_demo::DemoOptions { seed, as_of });
            let files = plumbline_demo::to_files(&firm, &planted)?;
            for (name, bytes) in &files {
                let path = out.join(name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
                }
                std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
            }
            println!("wrote {} files for seed {seed} to {}", files.len(), out.display());
            Ok(())
        }
    }
}

//! `plumbline import`: validate a file and apply it to the embedded store (docs/imports.md).

use anyhow::{Context, bail};
use plumbline_firm::Role;
use plumbline_import::{Actor, ImportKind, ImportRejected, ImportRequest, Mapping, Progress, Step};
use plumbline_store::EmbeddedStore;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Options of `plumbline import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// What the file holds: opportunities, people, transactions, aum, flows, compliance,
    /// activities or calendar.
    kind: ImportKind,
    /// The file (CSV, or .ics for calendar).
    #[arg(long)]
    file: PathBuf,
    /// A column mapping (JSON) for files that do not use our column names.
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// Folder of the embedded store (as given to `plumbline serve`).
    #[arg(long, default_value = ".plumbline")]
    data_dir: PathBuf,
    /// Who is importing, for the audit log.
    #[arg(long, default_value = "cli")]
    actor: String,
    /// Print the report as JSON instead of a summary.
    #[arg(long)]
    json: bool,
}

/// Prints progress to stderr in steps of a tenth.
struct Printer {
    last_tenth: AtomicUsize,
}

impl Progress for Printer {
    fn update(&self, step: &Step) {
        match step {
            Step::Loading => eprintln!("import: reading the firm's people, clients and opportunities"),
            Step::Validated { rows, records } => eprintln!("import: {rows} rows valid, {records} records"),
            Step::Applying { records, of, written, total } => {
                let tenth = written * 10 / (*total).max(1);
                if self.last_tenth.swap(tenth, Ordering::Relaxed) != tenth {
                    eprintln!("import: {records} of {of} records done ({written} of {total} writes committed)");
                }
            }
            Step::Done => {}
        }
    }
}

/// Runs one import; the exit status is non-zero when the file is rejected.
pub fn run(args: ImportArgs) -> anyhow::Result<()> {
    let file_name =
        args.file.file_name().map_or_else(|| args.file.display().to_string(), |n| n.to_string_lossy().into());
    let bytes = std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let mapping = match &args.mapping {
        Some(path) => {
            let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into());
            Some(Mapping::from_json(&name, &text).map_err(|e| rejected(&e))?)
        }
        None => None,
    };
    let store_path = args.data_dir.join("plumbline.redb");
    // An empty firm starts with its settings (docs/imports.md, "Loading an empty firm").
    if args.kind == ImportKind::Settings {
        std::fs::create_dir_all(&args.data_dir).with_context(|| format!("creating {}", args.data_dir.display()))?;
    } else if !store_path.exists() {
        bail!(
            "no store at {}: import the firm's settings first, or start `plumbline serve --data-dir {}` once to create the demo firm",
            store_path.display(),
            args.data_dir.display()
        );
    }
    let store = EmbeddedStore::open(&store_path).with_context(|| format!("opening {}", store_path.display()))?;
    let actor = Actor { id: args.actor.clone(), role: Role::Admin };
    let request = ImportRequest {
        kind: args.kind,
        file_name: &file_name,
        bytes: &bytes,
        mapping: mapping.as_ref(),
        at: chrono::Utc::now(),
    };
    let printer = Printer { last_tenth: AtomicUsize::new(0) };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let report =
        runtime.block_on(plumbline_import::run(&store, &actor, &request, &printer)).map_err(|e| rejected(&e))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let c = &report.counts;
    if report.already_imported {
        println!(
            "{}: already imported on {} (sha256 {}); nothing changed",
            report.file, report.at, report.content_hash
        );
        return Ok(());
    }
    println!(
        "{}: {} rows, {} records: {} created, {} updated, {} unchanged, {} history entries; {} writes in {} transactions (audit {}-{})",
        report.file,
        report.rows,
        report.records,
        c.created,
        c.updated,
        c.unchanged,
        c.history,
        report.writes,
        report.transactions,
        report.audit_seqs.0,
        report.audit_seqs.1
    );
    for s in &report.skipped {
        println!("  skipped {} rows: {} (first rows {:?})", s.count, s.reason, s.first_rows);
    }
    for field in &report.defaulted {
        println!("  {field}: column not in the file; every row took the default");
    }
    Ok(())
}

/// Prints every problem of a rejected file to stderr and turns the rejection into the error.
fn rejected(e: &ImportRejected) -> anyhow::Error {
    if let ImportRejected::Invalid { problems, .. } = e {
        for p in problems {
            eprintln!("{p}");
        }
    }
    anyhow::anyhow!("{e}")
}

//! `plumbline audit verify`: recomputes the audit hash chain of a local data folder.

use anyhow::Context;
use plumbline_store::{EmbeddedStore, audit};
use std::path::PathBuf;

/// Options of `plumbline audit`.
#[derive(clap::Subcommand)]
pub enum AuditCommand {
    /// Recompute every record's hash and link; exit 1 naming the first broken record.
    Verify {
        /// The folder `plumbline serve` keeps its store in.
        #[arg(long, default_value = ".plumbline")]
        data_dir: PathBuf,
    },
}

/// Runs the subcommand; `Ok(false)` when the chain is broken.
pub fn run(command: AuditCommand) -> anyhow::Result<bool> {
    let AuditCommand::Verify { data_dir } = command;
    let path = crate::serve::store_path(&data_dir);
    anyhow::ensure!(path.exists(), "no store at {}", path.display());
    let store = EmbeddedStore::open(&path).with_context(|| format!("opening {}", path.display()))?;
    let check = tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(audit::verify(&store))?;
    match &check.first_broken {
        None => println!("audit chain intact: {} records", check.records),
        Some(broken) => {
            println!("audit chain BROKEN at record {}: {} ({} records read)", broken.seq, broken.reason, check.records)
        }
    }
    Ok(check.ok)
}

//! The coach function, run on a schedule (weekly): analyses the firm and stores every
//! manager's intervention list and leadership's risk messages with one audit record
//! (`plumbline_api::routes::coach::run_weekly`). The same insights are served on demand by the
//! API's `/api/coach/...` routes.

use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use plumbline_store::Store;
use serde_json::Value;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    plumbline_lambda::init_tracing();
    let store: Arc<dyn Store> = Arc::new(plumbline_lambda::store_from_env().await?);
    let store = &store;
    lambda_runtime::run(service_fn(move |_: LambdaEvent<Value>| async move {
        let run = plumbline_api::routes::coach::run_weekly(store).await.map_err(|e| e.to_string())?;
        tracing::info!(as_of = %run.as_of, managers = run.managers, interventions = run.interventions, "weekly coaching stored");
        Ok::<_, lambda_runtime::Error>(serde_json::to_value(&run)?)
    }))
    .await
}

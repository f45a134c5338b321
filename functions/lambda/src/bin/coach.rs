//! The coach function, run on a schedule (weekly): analyses the firm and stores every
//! manager's intervention list and leadership's risk messages with one audit record
//! (`plumbline_api::routes::coach::run_weekly`). With `PLUMBLINE_COACH_MODEL_ID` set, the
//! messages are worded by that Bedrock model behind the guardrail (template text otherwise, and
//! whenever the guardrail refuses the model's text). The same insights are served on demand by
//! the API's `/api/coach/...` routes.

use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use plumbline_coach::Finding;
use plumbline_coach::api::CoachMessage;
use plumbline_coach_llm::{BedrockWording, Source, Wording};
use plumbline_store::Store;
use serde_json::Value;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    plumbline_lambda::init_tracing();
    let store: Arc<dyn Store> = Arc::new(plumbline_lambda::store_from_env().await?);
    let bedrock = match std::env::var("PLUMBLINE_COACH_MODEL_ID").ok().filter(|m| !m.trim().is_empty()) {
        None => None,
        Some(model_id) => {
            let shared = plumbline_lambda::aws_config().await;
            Some(BedrockWording::new(aws_sdk_bedrockruntime::Client::new(&shared), model_id))
        }
    };
    let (store, bedrock) = (&store, &bedrock);
    lambda_runtime::run(service_fn(move |_: LambdaEvent<Value>| async move {
        let word = async |finding: Finding, names: &[String]| match bedrock {
            None => CoachMessage::template(finding),
            Some(model) => {
                let worded = model.word(&finding, names).await;
                let source = match worded.source {
                    Source::Model => "model",
                    Source::Template => "template",
                };
                CoachMessage { text: worded.text, source: source.into(), finding }
            }
        };
        let run = plumbline_api::routes::coach::run_weekly(store, word).await.map_err(|e| e.to_string())?;
        tracing::info!(as_of = %run.as_of, managers = run.managers, interventions = run.interventions, "weekly coaching stored");
        Ok::<_, lambda_runtime::Error>(serde_json::to_value(&run)?)
    }))
    .await
}

//! The Bedrock writer against a stubbed HTTP client (the SDK's own `http_client_fn` seam):
//! a faithful reply is used; a reply with an invented number or name, or a failed call, falls
//! back to the template; the prompt carries only the subject's name and role and the evidence.

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use plumbline_coach::{Action, Detail, Evidence, Finding, Money, RecordKind, Subject, Value, writer};
use plumbline_coach_llm::{BedrockWording, Source, TemplateWording, Wording};
use plumbline_firm::Role;
use rust_decimal::Decimal;
use std::sync::{Arc, Mutex};

const MODEL: &str = "anthropic.claude-3-haiku-20240307-v1:0";

/// Requests sent: URI and body.
type Sent = Arc<Mutex<Vec<(String, String)>>>;

/// Answers every call with one canned Converse reply and keeps what was sent.
#[derive(Debug, Clone)]
struct Stub {
    status: u16,
    body: String,
    sent: Sent,
}

impl HttpConnector for Stub {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let body = String::from_utf8_lossy(request.body().bytes().unwrap_or_default()).to_string();
        self.sent.lock().unwrap().push((request.uri().to_string(), body));
        let status = StatusCode::try_from(self.status).unwrap();
        let mut response = HttpResponse::new(status, SdkBody::from(self.body.clone()));
        response.headers_mut().insert("content-type", "application/json");
        HttpConnectorFuture::ready(Ok(response))
    }
}

fn bedrock(status: u16, body: String) -> (BedrockWording, Sent) {
    let stub = Stub { status, body, sent: Arc::default() };
    let sent = stub.sent.clone();
    let config = aws_sdk_bedrockruntime::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-2"))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .http_client(http_client_fn(move |_, _| SharedHttpConnector::new(stub.clone())))
        .build();
    (BedrockWording::new(Client::from_conf(config), MODEL), sent)
}

fn reply(text: &str) -> String {
    serde_json::json!({
        "output": { "message": { "role": "assistant", "content": [ { "text": text } ] } },
        "stopReason": "end_turn",
        "usage": { "inputTokens": 120, "outputTokens": 40, "totalTokens": 160 },
        "metrics": { "latencyMs": 300 }
    })
    .to_string()
}

fn finding() -> Finding {
    let mut ev = Evidence::default();
    ev.fact(
        "amount",
        "deal amount",
        Value::Money(Money { amount: Decimal::new(25_000_000, 2), currency: "GBP".into() }),
    )
    .fact("stage", "current stage", Value::Text("Proposal".into()))
    .fact("days_in_stage", "days in the stage", Value::Days(41))
    .fact("usual_days", "median days deals spend in the stage", Value::Days(18))
    .fact("pushes", "close-date pushes", Value::Count(2))
    .fact("quiet_days", "days since the last activity", Value::Days(21))
    .record(RecordKind::Opportunity, "O00042")
    .name("Priya Shah")
    .name("Custody mandate")
    .name("Avon Pension Fund")
    .name("Proposal");
    Finding {
        id: "stall/O00042".into(),
        subject: Some(Subject { person_id: "P0007".into(), name: "Priya Shah".into(), role: Role::Rep }),
        detail: Detail::StallingDeal {
            deal_id: "O00042".into(),
            deal_name: "Custody mandate".into(),
            account: "Avon Pension Fund".into(),
            stage: "Proposal".into(),
            flags: vec!["stale".into()],
            action: Action::Reengage,
        },
        at_stake: Some(Money { amount: Decimal::new(25_000_000, 2), currency: "GBP".into() }),
        evidence: ev,
    }
}

fn known() -> Vec<String> {
    vec!["Priya Shah".into(), "Tom Baker".into(), "Avon Pension Fund".into()]
}

#[tokio::test]
async fn a_faithful_reply_is_used_with_the_names_restored() {
    let (writer, sent) = bedrock(
        200,
        reply(
            "Priya, the Custody mandate at [N1] (£250,000) has sat 41 days in Proposal, where deals usually \
             move on in 18 days; the close date has slipped twice and it has been quiet for 21 days. Call [N1] \
             this week to agree a dated next step, or close it.",
        ),
    );
    let worded = writer.word(&finding(), &known()).await;
    assert_eq!(worded.source, Source::Model, "{:?}", worded.fallback_reason);
    assert!(worded.text.contains("at Avon Pension Fund (£250,000)"), "{}", worded.text);
    let sent = sent.lock().unwrap();
    let (uri, body) = &sent[0];
    assert!(uri.contains("/converse"), "{uri}");
    assert!(uri.contains("anthropic.claude-3-haiku"), "{uri}");
    // Only the subject's name and role leave the firm; the client is a placeholder; no ids.
    assert!(body.contains("About: Priya Shah (rep)"), "{body}");
    assert!(body.contains("[N1]") && !body.contains("Avon Pension Fund"), "{body}");
    assert!(!body.contains("O00042") && !body.contains("P0007"), "{body}");
    assert!(body.contains("days in the stage: 41 days"), "{body}");
}

#[tokio::test]
async fn an_invented_number_is_refused_and_the_template_used() {
    let (writer, _) = bedrock(
        200,
        reply("Priya, the Custody mandate at [N1] is worth £300,000 and has sat 41 days in Proposal. Call [N1]."),
    );
    let worded = writer.word(&finding(), &known()).await;
    assert_eq!(worded.source, Source::Template);
    assert_eq!(worded.text, writer::template(&finding()));
    let reason = worded.fallback_reason.unwrap();
    assert!(reason.contains("£300,000"), "{reason}");
}

#[tokio::test]
async fn an_invented_name_is_refused() {
    let (writer, _) =
        bedrock(200, reply("Priya, ask Tom Baker to join the call with [N1] about the Custody mandate this week."));
    let worded = writer.word(&finding(), &known()).await;
    assert_eq!(worded.source, Source::Template);
    assert!(worded.fallback_reason.unwrap().contains("Tom Baker"));
}

#[tokio::test]
async fn a_failed_call_falls_back_to_the_template() {
    let body = serde_json::json!({ "message": "The provided model identifier is invalid." }).to_string();
    let (writer, _) = bedrock(400, body);
    let worded = writer.word(&finding(), &known()).await;
    assert_eq!(worded.source, Source::Template);
    assert_eq!(worded.text, writer::template(&finding()));
    assert!(worded.fallback_reason.unwrap().contains(MODEL));
}

#[tokio::test]
async fn the_template_wording_is_the_template() {
    let worded = TemplateWording.word(&finding(), &known()).await;
    assert_eq!((worded.source, worded.text), (Source::Template, writer::template(&finding())));
}

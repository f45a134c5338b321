//! Optional LLM wording of coaching findings: Amazon Bedrock through the Converse API,
//! configured by model id, with the deterministic template as the draft and the fallback.
//!
//! The prompt carries only the evidence: the facts as labelled values and the template's draft.
//! The subject's name and role are the only personal data sent; every other name of the firm's
//! directory (clients, colleagues) is replaced by a placeholder such as `[N1]` and restored in
//! the reply. The reply must pass [`plumbline_coach::check`]; otherwise, or when Bedrock fails,
//! the template text is used and the fallback is logged with `tracing`.

use async_trait::async_trait;
use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConversationRole, InferenceConfiguration, Message, SystemContentBlock,
};
use plumbline_coach::{Evidence, Finding, Subject, Unsupported, check, writer};
use serde::{Deserialize, Serialize};

/// Who wrote the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The deterministic template.
    Template,
    /// The model, checked by the guardrail.
    Model,
}

/// A worded finding or section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Worded {
    /// The text shown.
    pub text: String,
    /// Who wrote it.
    pub source: Source,
    /// Why the model's text was refused, when it was.
    pub fallback_reason: Option<String>,
}

impl Worded {
    fn template(text: String) -> Worded {
        Worded { text, source: Source::Template, fallback_reason: None }
    }
}

/// Words findings: the template writer, or a model behind the guardrail.
#[async_trait]
pub trait Wording: Send + Sync {
    /// Words `draft` (a template text) about `subject`, given its evidence; `known_names` are
    /// the directory's names the guardrail must not see unless the evidence has them.
    async fn rewrite(
        &self,
        draft: &str,
        subject: Option<&Subject>,
        evidence: &Evidence,
        known_names: &[String],
    ) -> Worded;

    /// Words a finding.
    async fn word(&self, finding: &Finding, known_names: &[String]) -> Worded {
        self.rewrite(&writer::template(finding), finding.subject.as_ref(), &finding.evidence, known_names).await
    }
}

/// The deterministic writer: the template text as it is.
pub struct TemplateWording;

#[async_trait]
impl Wording for TemplateWording {
    async fn rewrite(&self, draft: &str, _: Option<&Subject>, _: &Evidence, _: &[String]) -> Worded {
        Worded::template(draft.to_string())
    }
}

/// Why Bedrock gave no text.
#[derive(Debug, thiserror::Error)]
pub enum BedrockError {
    /// The call failed.
    #[error("bedrock converse with {model_id}: {message}")]
    Call {
        /// The model.
        model_id: String,
        /// The SDK's message.
        message: String,
    },
    /// The reply had no text.
    #[error("bedrock converse with {model_id}: the reply has no text")]
    Empty {
        /// The model.
        model_id: String,
    },
}

/// Bedrock's Converse API behind the guardrail.
pub struct BedrockWording {
    client: Client,
    model_id: String,
    max_tokens: i32,
}

const SYSTEM: &str = "You rewrite coaching notes for sales people and their managers in a sales \
performance system. Rewrite the draft so it reads naturally and is direct and supportive. Use only \
the facts given: do not add any number, date, name, account or identifier that is not in the facts \
or the draft. Keep placeholders such as [N1] exactly as written. Reply with the note only, in at \
most 120 words.";

/// The placeholders of a prompt: names of the directory other than the subject's.
struct Pseudonyms(Vec<(String, String)>);

impl Pseudonyms {
    fn new(subject: Option<&Subject>, evidence: &Evidence, known_names: &[String]) -> Pseudonyms {
        let mut names: Vec<&String> = evidence
            .names
            .iter()
            .filter(|n| known_names.contains(n) && subject.is_none_or(|s| &s.name != *n))
            .collect();
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        Pseudonyms(names.into_iter().enumerate().map(|(i, n)| (n.clone(), format!("[N{}]", i + 1))).collect())
    }

    fn hide(&self, text: &str) -> String {
        self.0.iter().fold(text.to_string(), |t, (name, token)| t.replace(name.as_str(), token))
    }

    fn restore(&self, text: &str) -> String {
        // Longest token first, so [N1] does not eat the start of [N12].
        let mut pairs: Vec<&(String, String)> = self.0.iter().collect();
        pairs.sort_by_key(|(_, t)| std::cmp::Reverse(t.len()));
        pairs.into_iter().fold(text.to_string(), |t, (name, token)| t.replace(token.as_str(), name))
    }
}

impl BedrockWording {
    /// A writer calling `model_id` (e.g. `anthropic.claude-3-haiku-20240307-v1:0`).
    pub fn new(client: Client, model_id: impl Into<String>) -> BedrockWording {
        BedrockWording { client, model_id: model_id.into(), max_tokens: 400 }
    }

    /// The user message sent for a draft: the subject's name and role, the facts and the draft,
    /// with every other directory name replaced by its placeholder.
    pub fn prompt(draft: &str, subject: Option<&Subject>, evidence: &Evidence, known_names: &[String]) -> String {
        let p = Pseudonyms::new(subject, evidence, known_names);
        let mut out = String::new();
        if let Some(s) = subject {
            out.push_str(&format!("About: {} ({})\n", s.name, s.role.as_str()));
        }
        out.push_str("Facts:\n");
        for f in &evidence.facts {
            out.push_str(&format!("- {}: {}\n", f.label, f.value.display()));
        }
        out.push_str(&format!("Draft:\n{draft}\n"));
        p.hide(&out)
    }

    async fn converse(&self, prompt: String) -> Result<String, BedrockError> {
        let call = |e: String| BedrockError::Call { model_id: self.model_id.clone(), message: e };
        let message = Message::builder()
            .role(ConversationRole::User)
            .content(ContentBlock::Text(prompt))
            .build()
            .map_err(|e| call(e.to_string()))?;
        let out = self
            .client
            .converse()
            .model_id(&self.model_id)
            .system(SystemContentBlock::Text(SYSTEM.to_string()))
            .messages(message)
            .inference_config(InferenceConfiguration::builder().max_tokens(self.max_tokens).temperature(0.2).build())
            .send()
            .await
            .map_err(|e| call(aws_sdk_bedrockruntime::error::DisplayErrorContext(&e).to_string()))?;
        let text: String = out
            .output()
            .and_then(|o| o.as_message().ok())
            .map(|m| m.content().iter().filter_map(|c| c.as_text().ok()).cloned().collect::<Vec<_>>().join(""))
            .unwrap_or_default();
        let text = text.trim().to_string();
        if text.is_empty() { Err(BedrockError::Empty { model_id: self.model_id.clone() }) } else { Ok(text) }
    }
}

#[async_trait]
impl Wording for BedrockWording {
    async fn rewrite(
        &self,
        draft: &str,
        subject: Option<&Subject>,
        evidence: &Evidence,
        known_names: &[String],
    ) -> Worded {
        let pseudonyms = Pseudonyms::new(subject, evidence, known_names);
        let reply = match self.converse(Self::prompt(draft, subject, evidence, known_names)).await {
            Ok(reply) => pseudonyms.restore(&reply),
            Err(e) => {
                tracing::warn!(model_id = %self.model_id, error = %e, "coaching text: bedrock failed, using the template");
                return Worded { fallback_reason: Some(e.to_string()), ..Worded::template(draft.to_string()) };
            }
        };
        match check(&reply, evidence, known_names) {
            Ok(()) => Worded { text: reply, source: Source::Model, fallback_reason: None },
            Err(problems) => {
                let reason = problems.iter().map(Unsupported::to_string).collect::<Vec<_>>().join("; ");
                tracing::warn!(model_id = %self.model_id, %reason, "coaching text: guardrail refused the model's text, using the template");
                Worded { fallback_reason: Some(reason), ..Worded::template(draft.to_string()) }
            }
        }
    }
}

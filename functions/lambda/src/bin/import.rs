//! The import function: a file uploaded to the imports bucket under `incoming/` is validated
//! and applied by `plumbline_import::run`, and its report (or every problem found) is written
//! back to the bucket under `results/`. The key names what the file holds:
//!
//! - `incoming/<kind>/<file>`: our own column names (CSV), an iCalendar file (`calendar`), or a
//!   JSON document (`settings`, `plans`);
//! - `incoming/<kind>/salesforce/<file>`: the built-in Salesforce Opportunity mapping;
//! - `incoming/<kind>/<mapping>/<file>`: the mapping uploaded as `mappings/<mapping>.json`.
//!
//! A rejected file changes nothing and the invocation succeeds (retrying cannot fix the data);
//! an interrupted one fails, so Lambda retries it and, after that, the dead-letter queue and
//! its alarm hold the event. See infra/README.md.

use aws_sdk_s3::primitives::ByteStream;
use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use plumbline_firm::Role;
use plumbline_import::{Actor, ImportKind, ImportRejected, ImportRequest, Mapping, NoProgress};
use serde::Deserialize;
use serde_json::json;

/// Where uploads land and where reports are written.
const INCOMING: &str = "incoming/";
const RESULTS: &str = "results/";
const MAPPINGS: &str = "mappings/";

/// The parts of an S3 event notification read here.
#[derive(Debug, Deserialize)]
struct S3Event {
    #[serde(rename = "Records", default)]
    records: Vec<S3Record>,
}

#[derive(Debug, Deserialize)]
struct S3Record {
    #[serde(rename = "userIdentity", default)]
    user: Option<S3User>,
    s3: S3Entity,
}

#[derive(Debug, Deserialize)]
struct S3User {
    #[serde(rename = "principalId")]
    principal_id: String,
}

#[derive(Debug, Deserialize)]
struct S3Entity {
    bucket: S3Bucket,
    object: S3Object,
}

#[derive(Debug, Deserialize)]
struct S3Bucket {
    name: String,
}

#[derive(Debug, Deserialize)]
struct S3Object {
    key: String,
    #[serde(rename = "versionId")]
    version_id: Option<String>,
}

/// How a file's columns are read, from its key.
#[derive(Debug, Clone, PartialEq, Eq)]
enum MappingSource {
    /// Our own column names.
    Own,
    /// The built-in Salesforce Opportunity export mapping.
    Salesforce,
    /// A mapping file in the bucket, by key.
    Uploaded(String),
}

/// One upload, understood from its key.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Upload {
    kind: ImportKind,
    mapping: MappingSource,
    file_name: String,
    result_key: String,
}

/// Why an upload cannot be imported at all.
#[derive(Debug, thiserror::Error, PartialEq)]
enum KeyError {
    #[error("{key}: not under {INCOMING}")]
    NotIncoming { key: String },
    #[error("{key}: expected {INCOMING}<kind>/[<mapping>/]<file>")]
    Shape { key: String },
    #[error("{key}: {message}")]
    Kind { key: String, message: String },
    #[error("{key}: the key is not valid percent-encoded UTF-8")]
    Encoding { key: String },
}

/// S3 event keys are form-encoded: `+` is a space, `%XX` a byte.
fn decode_key(raw: &str) -> Result<String, KeyError> {
    let bad = || KeyError::Encoding { key: raw.to_string() };
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw.get(i + 1..i + 3).ok_or_else(bad)?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| bad())
}

/// Reads kind, mapping and file name from a (decoded) key.
fn upload(key: &str) -> Result<Upload, KeyError> {
    let rest = key.strip_prefix(INCOMING).ok_or_else(|| KeyError::NotIncoming { key: key.to_string() })?;
    let parts: Vec<&str> = rest.split('/').collect();
    let shape = || KeyError::Shape { key: key.to_string() };
    let (kind, mapping, file_name) = match parts.as_slice() {
        [kind, file] => (*kind, MappingSource::Own, *file),
        [kind, "salesforce", file] => (*kind, MappingSource::Salesforce, *file),
        [kind, mapping, file] if !mapping.is_empty() => {
            (*kind, MappingSource::Uploaded(format!("{MAPPINGS}{mapping}.json")), *file)
        }
        _ => return Err(shape()),
    };
    if file_name.is_empty() {
        return Err(shape());
    }
    let kind: ImportKind = kind.parse().map_err(|message| KeyError::Kind { key: key.to_string(), message })?;
    Ok(Upload { kind, mapping, file_name: file_name.to_string(), result_key: format!("{RESULTS}{rest}.json") })
}

/// The report written next to the results, for every outcome.
fn result_document(
    key: &str,
    version: Option<&str>,
    outcome: &Result<plumbline_import::ImportReport, ImportRejected>,
) -> serde_json::Value {
    match outcome {
        Ok(report) if report.already_imported => {
            json!({ "file": key, "version": version, "status": "already_imported", "report": report })
        }
        Ok(report) => json!({ "file": key, "version": version, "status": "applied", "report": report }),
        Err(e @ ImportRejected::Invalid { problems, .. }) => {
            json!({ "file": key, "version": version, "status": "rejected", "error": e.to_string(), "problems": problems })
        }
        Err(e) => json!({ "file": key, "version": version, "status": "failed", "error": e.to_string() }),
    }
}

/// Everything one invocation needs, made once per cold start.
struct Function {
    s3: aws_sdk_s3::Client,
    store: plumbline_store::DynamoStore,
}

impl Function {
    async fn get(&self, bucket: &str, key: &str, version: Option<&str>) -> Result<Vec<u8>, lambda_runtime::Error> {
        let object = self
            .s3
            .get_object()
            .bucket(bucket)
            .key(key)
            .set_version_id(version.map(str::to_string))
            .send()
            .await
            .map_err(|e| format!("reading s3://{bucket}/{key}: {}", aws_sdk_s3::error::DisplayErrorContext(e)))?;
        let body = object.body.collect().await.map_err(|e| format!("reading s3://{bucket}/{key}: {e}"))?;
        Ok(body.into_bytes().to_vec())
    }

    async fn mapping(
        &self,
        bucket: &str,
        upload: &Upload,
    ) -> Result<Result<Option<Mapping>, ImportRejected>, lambda_runtime::Error> {
        Ok(match &upload.mapping {
            MappingSource::Own => Ok(None),
            MappingSource::Salesforce => Ok(Some(Mapping::salesforce_opportunities())),
            MappingSource::Uploaded(key) => {
                let bytes = self.get(bucket, key, None).await?;
                Mapping::from_json(key, &bytes).map(Some)
            }
        })
    }

    async fn handle(&self, record: S3Record) -> Result<(), lambda_runtime::Error> {
        let bucket = record.s3.bucket.name;
        let key = decode_key(&record.s3.object.key)?;
        let version = record.s3.object.version_id.filter(|v| !v.is_empty());
        let upload = upload(&key)?;
        // Writing to the imports bucket is the authority to import: its IAM principal is the actor.
        let actor = Actor {
            id: format!("s3:{}", record.user.map_or_else(|| "unknown".to_string(), |u| u.principal_id)),
            role: Role::Admin,
        };
        let bytes = self.get(&bucket, &key, version.as_deref()).await?;
        let outcome = match self.mapping(&bucket, &upload).await? {
            Ok(mapping) => {
                let request = ImportRequest {
                    kind: upload.kind,
                    file_name: &upload.file_name,
                    bytes: &bytes,
                    mapping: mapping.as_ref(),
                    at: chrono::Utc::now(),
                };
                plumbline_import::run(&self.store, &actor, &request, &NoProgress).await
            }
            Err(rejected) => Err(rejected),
        };
        let document = result_document(&key, version.as_deref(), &outcome);
        self.s3
            .put_object()
            .bucket(&bucket)
            .key(&upload.result_key)
            .content_type("application/json")
            .body(ByteStream::from(serde_json::to_vec_pretty(&document)?))
            .send()
            .await
            .map_err(|e| {
                format!("writing s3://{bucket}/{}: {}", upload.result_key, aws_sdk_s3::error::DisplayErrorContext(e))
            })?;
        match outcome {
            Ok(report) => {
                tracing::info!(file = %key, status = %document["status"], writes = report.writes, result = %upload.result_key, "import done");
                Ok(())
            }
            Err(e @ (ImportRejected::Invalid { .. } | ImportRejected::Forbidden { .. })) => {
                tracing::error!(file = %key, error = %e, result = %upload.result_key, "import rejected; nothing changed");
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    plumbline_lambda::init_tracing();
    let store = plumbline_lambda::store_from_env().await?;
    let shared = plumbline_lambda::aws_config().await;
    let function = Function { s3: aws_sdk_s3::Client::new(&shared), store };
    let function = &function;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<S3Event>| async move {
        for record in event.payload.records {
            function.handle(record).await?;
        }
        Ok::<_, lambda_runtime::Error>(())
    }))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_the_kind_and_the_mapping() {
        assert_eq!(
            upload("incoming/people/roster 2026-11.csv").unwrap(),
            Upload {
                kind: ImportKind::People,
                mapping: MappingSource::Own,
                file_name: "roster 2026-11.csv".into(),
                result_key: "results/people/roster 2026-11.csv.json".into(),
            }
        );
        assert_eq!(upload("incoming/opportunities/salesforce/export.csv").unwrap().mapping, MappingSource::Salesforce);
        assert_eq!(
            upload("incoming/opportunities/crm-sales/sales_pipeline.csv").unwrap().mapping,
            MappingSource::Uploaded("mappings/crm-sales.json".into())
        );
    }

    #[test]
    fn keys_that_cannot_be_imported_are_refused_by_name() {
        assert!(matches!(upload("results/people/x.csv"), Err(KeyError::NotIncoming { .. })));
        assert!(matches!(upload("incoming/people.csv"), Err(KeyError::Shape { .. })));
        assert!(matches!(upload("incoming/people/"), Err(KeyError::Shape { .. })));
        assert!(matches!(upload("incoming/a/b/c/d.csv"), Err(KeyError::Shape { .. })));
        let error = upload("incoming/payroll/x.csv").unwrap_err();
        assert!(error.to_string().contains("unknown import kind \"payroll\""), "{error}");
    }

    #[test]
    fn event_keys_are_form_decoded() {
        assert_eq!(
            decode_key("incoming/people/roster+2026%2D11%C3%A9.csv").unwrap(),
            "incoming/people/roster 2026-11é.csv"
        );
        assert!(decode_key("incoming/%G1").is_err());
        assert!(decode_key("incoming/%C3").is_err());
        assert!(decode_key("incoming/%2").is_err());
    }

    #[test]
    fn an_s3_notification_is_read() {
        let event: S3Event = serde_json::from_value(json!({ "Records": [{
            "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
            "userIdentity": { "principalId": "AWS:AROAEXAMPLE:jane" },
            "s3": { "bucket": { "name": "plumbline-imports-111122223333-eu-west-2" },
                    "object": { "key": "incoming/aum/aum+2026-10.csv", "size": 10, "versionId": "v1" } }
        }]}))
        .unwrap();
        let record = &event.records[0];
        assert_eq!(record.s3.object.key, "incoming/aum/aum+2026-10.csv");
        assert_eq!(record.s3.object.version_id.as_deref(), Some("v1"));
        assert_eq!(record.user.as_ref().unwrap().principal_id, "AWS:AROAEXAMPLE:jane");
    }

    #[test]
    fn a_rejected_file_reports_every_problem() {
        let problems = plumbline_import::parse(
            ImportKind::People,
            "people.csv",
            b"id,name\n",
            None,
            &plumbline_import::FirmIndex::new(None, vec![], vec![], vec![], vec![]),
        )
        .map(|_| ())
        .unwrap_err();
        let document = result_document("incoming/people/people.csv", Some("v1"), &Err(problems));
        assert_eq!(document["status"], "rejected");
        assert!(!document["problems"].as_array().unwrap().is_empty(), "{document}");
    }
}

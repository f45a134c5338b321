//! The DynamoDB store: one table, the trait's items as DynamoDB items.
//!
//! Every item has four attributes: `pk` (S, partition key), `sk` (S, sort key), `version` (N)
//! and `data` (S, the record as compact JSON text). A JSON string rather than a native map keeps
//! the record byte-for-byte what was written (no number conversions, no empty-set or
//! nesting rules) and costs one parse on read. Conditions are `attribute_not_exists(pk)` and
//! `#version = :version`; a cancelled transaction names the item whose condition failed.
//!
//! Retries are this module's job, not the SDK's: clients built here disable the SDK's retries,
//! and every call goes through [`crate::retry`] (bounded exponential backoff with full jitter)
//! when DynamoDB throttles, conflicts or fails with a 5xx. See docs/store.md, "DynamoDB".

use crate::retry::{self, Attempts, Backoff};
use crate::{
    Condition, Item, MAX_TRANSACTION_WRITES, Page, Store, StoreError, Write, kind_of, kind_position,
    split_kind_position,
};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region, SharedHttpClient};
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, Delete, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    Projection, ProjectionType, Put, PutRequest, ScalarAttributeType, TableStatus, TransactWriteItem, WriteRequest,
};
use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Partition key attribute (S).
pub const PK: &str = "pk";
/// Sort key attribute (S).
pub const SK: &str = "sk";
/// Version attribute (N).
pub const VERSION: &str = "version";
/// Record attribute (S, JSON text).
pub const DATA: &str = "data";
/// The record kind (S, [`crate::kind_of`] the partition key): the `by_kind` index's partition
/// key, set only on items whose partition key names a kind, so the index is sparse.
pub const KIND: &str = "kind";
/// Partition and sort key as one string (S, [`crate::kind_position`]): the `by_kind` index's
/// sort key.
pub const POSITION: &str = "position";
/// The index listing every partition of a kind in pages (see [`Store::query_kind`]).
pub const KIND_INDEX: &str = "by_kind";

/// BatchWriteItem's limit.
const BATCH_SIZE: usize = 25;
/// Batches of one `put_many` in flight at once.
const BATCH_CONCURRENCY: usize = 8;

type Attributes = HashMap<String, AttributeValue>;

/// A store in one DynamoDB table with string keys `pk` and `sk`.
#[derive(Clone)]
pub struct DynamoStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
    backoff: Backoff,
    gate: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// The HTTPS client every client built here uses: hyper 1 and rustls with ring, trusting the
/// system's roots. (The SDK's default client would compile aws-lc-sys; ring builds faster.)
pub fn https_client() -> SharedHttpClient {
    use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
    aws_smithy_http_client::Builder::new().tls_provider(Provider::Rustls(CryptoMode::Ring)).build_https()
}

/// Connect within 3 s and finish each call within `attempt`; a call that times out is retried
/// (a transaction with the same idempotency token).
fn timeouts(attempt: Duration) -> TimeoutConfig {
    TimeoutConfig::builder().connect_timeout(Duration::from_secs(3)).operation_attempt_timeout(attempt).build()
}

impl DynamoStore {
    /// A store over `table`, which must exist with keys `pk` (S) and `sk` (S) — see
    /// [`DynamoStore::create_table`]. Build `client` with [`DynamoStore::client_from_env`] or
    /// [`DynamoStore::local_client`], which disable the SDK's own retries; with another client
    /// the SDK's retries stack under this store's.
    pub fn new(client: Client, table: impl Into<String>) -> DynamoStore {
        DynamoStore { client, table: table.into(), backoff: Backoff::default(), gate: Default::default() }
    }

    /// Replaces the retry policy (the default is [`Backoff::default`]).
    pub fn with_backoff(mut self, backoff: Backoff) -> DynamoStore {
        self.backoff = backoff;
        self
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// A client configured from the environment (region, credentials: in Lambda, its role),
    /// with the SDK's retries disabled and bounded timeouts.
    pub async fn client_from_env() -> Client {
        let shared = aws_config::defaults(BehaviorVersion::latest()).http_client(https_client()).load().await;
        let conf = aws_sdk_dynamodb::config::Builder::from(&shared)
            .retry_config(RetryConfig::disabled())
            .timeout_config(timeouts(Duration::from_secs(10)))
            .build();
        Client::from_conf(conf)
    }

    /// A client for a local DynamoDB-compatible server (moto) at `endpoint`, e.g.
    /// `http://127.0.0.1:8000`: static test credentials, region us-east-1, SDK retries disabled.
    ///
    /// Calls may take up to two minutes: a local server under load queues requests for long,
    /// and moto ignores idempotency tokens, so resending a transaction that timed out but was
    /// applied would fail its conditions instead of succeeding as it does on DynamoDB.
    pub fn local_client(endpoint: &str) -> Client {
        let conf = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "plumbline-local"))
            .endpoint_url(endpoint)
            .retry_config(RetryConfig::disabled())
            .timeout_config(timeouts(Duration::from_secs(120)))
            .http_client(https_client())
            .build();
        Client::from_conf(conf)
    }

    /// Creates the table (on-demand billing, keys `pk`/`sk`, the `by_kind` index on
    /// `kind`/`position` projecting everything) and waits until it is active. A table that
    /// already exists is accepted as it is.
    pub async fn create_table(client: &Client, name: &str) -> Result<(), StoreError> {
        let attribute = |name: &str| {
            AttributeDefinition::builder().attribute_name(name).attribute_type(ScalarAttributeType::S).build()
        };
        let key = |name: &str, key_type| KeySchemaElement::builder().attribute_name(name).key_type(key_type).build();
        let created = client
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attribute(PK).map_err(backend)?)
            .attribute_definitions(attribute(SK).map_err(backend)?)
            .key_schema(key(PK, KeyType::Hash).map_err(backend)?)
            .key_schema(key(SK, KeyType::Range).map_err(backend)?)
            .attribute_definitions(attribute(KIND).map_err(backend)?)
            .attribute_definitions(attribute(POSITION).map_err(backend)?)
            .global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(KIND_INDEX)
                    .key_schema(key(KIND, KeyType::Hash).map_err(backend)?)
                    .key_schema(key(POSITION, KeyType::Range).map_err(backend)?)
                    .projection(Projection::builder().projection_type(ProjectionType::All).build())
                    .build()
                    .map_err(backend)?,
            )
            .send()
            .await;
        match created {
            Ok(_) => {}
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_in_use_exception()) => {}
            Err(e) => return Err(sdk_error("CreateTable", e)),
        }
        // Real DynamoDB takes seconds to activate a table; local servers are immediate.
        for _ in 0..240 {
            let described =
                client.describe_table().table_name(name).send().await.map_err(|e| sdk_error("DescribeTable", e))?;
            if described.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Err(StoreError::Backend(format!("table {name} did not become active within two minutes")))
    }

    /// Sends one request through the retry policy, mapping SDK errors to store errors.
    async fn call<T, E, F, Fut>(&self, what: &'static str, mut send: F) -> Result<T, StoreError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        retry::retry(self.backoff, rand::random::<f64>, tokio::time::sleep, |_| {
            let sent = send();
            async move { sent.await.map_err(|e| sdk_error(what, e)) }
        })
        .await
    }

    fn transact_item(&self, write: &Write) -> Result<TransactWriteItem, StoreError> {
        let built = match write {
            Write::Put { item, condition } => {
                let (expression, names, values) = condition_expression(*condition);
                let put = Put::builder()
                    .table_name(&self.table)
                    .set_item(Some(to_attributes(item)?))
                    .set_condition_expression(expression)
                    .set_expression_attribute_names(names)
                    .set_expression_attribute_values(values)
                    .build()
                    .map_err(backend)?;
                TransactWriteItem::builder().put(put).build()
            }
            Write::Delete { pk, sk, condition } => {
                let (expression, names, values) = condition_expression(*condition);
                let delete = Delete::builder()
                    .table_name(&self.table)
                    .set_key(Some(key(pk, sk)))
                    .set_condition_expression(expression)
                    .set_expression_attribute_names(names)
                    .set_expression_attribute_values(values)
                    .build()
                    .map_err(backend)?;
                TransactWriteItem::builder().delete(delete).build()
            }
        };
        Ok(built)
    }
}

type ConditionParts = (Option<String>, Option<HashMap<String, String>>, Option<Attributes>);

/// The ConditionExpression, names and values for a condition.
fn condition_expression(condition: Condition) -> ConditionParts {
    match condition {
        Condition::None => (None, None, None),
        Condition::NotExists => (Some(format!("attribute_not_exists({PK})")), None, None),
        Condition::VersionIs(v) => (
            Some("#version = :version".to_string()),
            Some(HashMap::from([("#version".to_string(), VERSION.to_string())])),
            Some(HashMap::from([(":version".to_string(), AttributeValue::N(v.to_string()))])),
        ),
    }
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn key(pk: &str, sk: &str) -> Attributes {
    HashMap::from([
        (PK.to_string(), AttributeValue::S(pk.to_string())),
        (SK.to_string(), AttributeValue::S(sk.to_string())),
    ])
}

/// An item as DynamoDB attributes.
pub fn to_attributes(item: &Item) -> Result<Attributes, StoreError> {
    let data = serde_json::to_string(&item.data).map_err(|e| StoreError::Encode(e.to_string()))?;
    let mut attributes = key(&item.pk, &item.sk);
    attributes.insert(VERSION.to_string(), AttributeValue::N(item.version.to_string()));
    attributes.insert(DATA.to_string(), AttributeValue::S(data));
    if let Some(kind) = kind_of(&item.pk) {
        attributes.insert(KIND.to_string(), AttributeValue::S(kind.to_string()));
        attributes.insert(POSITION.to_string(), AttributeValue::S(kind_position(&item.pk, &item.sk)));
    }
    Ok(attributes)
}

/// An item from DynamoDB attributes.
pub fn from_attributes(attributes: &Attributes) -> Result<Item, StoreError> {
    let text = |name: &str| match attributes.get(name) {
        Some(AttributeValue::S(s)) => Some(s.clone()),
        _ => None,
    };
    let pk = text(PK).unwrap_or_default();
    let sk = text(SK).unwrap_or_default();
    let fail = |message: String| StoreError::Decode { pk: pk.clone(), sk: sk.clone(), message };
    if pk.is_empty() || sk.is_empty() {
        return Err(fail("item lacks a string pk or sk".into()));
    }
    let version = match attributes.get(VERSION) {
        Some(AttributeValue::N(n)) => n.parse::<u64>().map_err(|e| fail(format!("version {n:?}: {e}")))?,
        _ => return Err(fail("item lacks a numeric version".into())),
    };
    let data = match attributes.get(DATA) {
        Some(AttributeValue::S(s)) => serde_json::from_str(s).map_err(|e| fail(format!("data: {e}")))?,
        _ => return Err(fail("item lacks a string data attribute".into())),
    };
    Ok(Item { pk, sk, version, data })
}

/// Whether a service error is worth retrying: throttling, conflicts and server faults.
pub fn retryable_service_error(code: Option<&str>, status: u16) -> bool {
    status >= 500
        || status == 429
        || matches!(
            code,
            Some(
                "ThrottlingException"
                    | "ProvisionedThroughputExceededException"
                    | "RequestLimitExceeded"
                    | "InternalServerError"
                    | "ServiceUnavailable"
                    | "TransactionConflictException"
                    | "TransactionInProgressException"
            )
        )
}

/// Maps an SDK error: transient failures become [`StoreError::Retryable`], the rest
/// [`StoreError::Backend`].
fn sdk_error<E>(what: &str, err: SdkError<E, HttpResponse>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let retryable = match &err {
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => true,
        SdkError::DispatchFailure(d) => !d.is_user(),
        SdkError::ServiceError(s) => retryable_service_error(s.err().code(), s.raw().status().as_u16()),
        _ => false,
    };
    let message = format!("{what}: {}", DisplayErrorContext(&err));
    if retryable { StoreError::Retryable(message) } else { StoreError::Backend(message) }
}

/// What a TransactionCanceledException's reasons (one per write, in order) mean.
#[derive(Debug, PartialEq, Eq)]
pub enum Cancellation {
    /// The condition of the write at this index failed.
    Condition(usize),
    /// Conflict or throttling: nothing applied, try again.
    Retry(String),
    /// Anything else (validation, size limits).
    Fail(String),
}

/// Reads the cancellation reason codes. A failed condition wins, since retrying cannot help.
pub fn cancellation(codes: &[Option<&str>]) -> Cancellation {
    if let Some(i) = codes.iter().position(|c| *c == Some("ConditionalCheckFailed")) {
        return Cancellation::Condition(i);
    }
    let named: Vec<String> = codes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.filter(|c| *c != "None").map(|c| format!("write {i}: {c}")))
        .collect();
    let summary = if named.is_empty() { "no reason given".to_string() } else { named.join(", ") };
    let transient = codes
        .iter()
        .flatten()
        .any(|c| matches!(*c, "TransactionConflict" | "ThrottlingError" | "ProvisionedThroughputExceeded"));
    if transient {
        Cancellation::Retry(format!("TransactWriteItems cancelled: {summary}"))
    } else {
        Cancellation::Fail(format!("TransactWriteItems cancelled: {summary}"))
    }
}

/// Refuses transactions that no backend accepts, before any call.
fn check_transaction(writes: &[Write]) -> Result<(), StoreError> {
    if writes.len() > MAX_TRANSACTION_WRITES {
        return Err(StoreError::TooManyWrites(writes.len()));
    }
    let mut keys = BTreeSet::new();
    for w in writes {
        let (pk, sk) = w.key();
        if !keys.insert((pk, sk)) {
            return Err(StoreError::DuplicateKey { pk: pk.to_string(), sk: sk.to_string() });
        }
    }
    Ok(())
}

/// Removes earlier copies of a key, keeping the last (BatchWriteItem refuses duplicates; a
/// sequence of puts leaves the last one).
fn last_of_each_key(items: Vec<Item>) -> Vec<Item> {
    let mut seen = BTreeSet::new();
    let mut kept: Vec<Item> = items.into_iter().rev().filter(|i| seen.insert((i.pk.clone(), i.sk.clone()))).collect();
    kept.reverse();
    kept
}

/// Writes one batch of up to 25 puts, resubmitting unprocessed items with backoff.
async fn write_batch(
    client: Client,
    table: String,
    backoff: Backoff,
    batch: Vec<WriteRequest>,
) -> Result<(), StoreError> {
    let mut pending = batch;
    let mut attempts = Attempts::new(backoff);
    loop {
        let sent = client.batch_write_item().request_items(&table, pending.clone()).send().await;
        let message = match sent {
            Ok(out) => {
                let left = out.unprocessed_items().and_then(|m| m.get(&table)).cloned().unwrap_or_default();
                if left.is_empty() {
                    return Ok(());
                }
                if left.len() < pending.len() {
                    attempts.progressed();
                }
                let message = format!("BatchWriteItem: {} of {} items unprocessed", left.len(), pending.len());
                pending = left;
                message
            }
            Err(e) => match sdk_error("BatchWriteItem", e) {
                StoreError::Retryable(message) => message,
                other => return Err(other),
            },
        };
        let delay = attempts.failed(&message, rand::random::<f64>())?;
        tokio::time::sleep(delay).await;
    }
}

#[async_trait]
impl Store for DynamoStore {
    fn append_gate(&self) -> Option<&tokio::sync::Mutex<()>> {
        Some(&self.gate)
    }

    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        let out = self
            .call("GetItem", || {
                self.client.get_item().table_name(&self.table).set_key(Some(key(pk, sk))).consistent_read(true).send()
            })
            .await?;
        out.item().map(from_attributes).transpose()
    }

    async fn query(&self, pk: &str, prefix: &str, limit: usize, after: Option<&str>) -> Result<Page, StoreError> {
        let empty = Page { items: Vec::new(), next: None };
        if limit == 0 {
            return Ok(empty);
        }
        // Start after `after` only when it lies inside the prefix's range: before it, the whole
        // range follows; beyond it (>= prefix yet not starting with it), nothing does.
        let after = match after {
            Some(a) if !a.is_empty() && a >= prefix => {
                if !a.starts_with(prefix) {
                    return Ok(empty);
                }
                Some(a)
            }
            _ => None,
        };
        let mut request = self
            .client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .expression_attribute_values(":pk", AttributeValue::S(pk.to_string()));
        request = match after {
            // `sk > :after` reads on past the prefix; the loop below stops at the first such item.
            Some(a) => request
                .key_condition_expression(format!("{PK} = :pk AND {SK} > :after"))
                .expression_attribute_values(":after", AttributeValue::S(a.to_string())),
            // DynamoDB refuses an empty string as a key condition value.
            None if prefix.is_empty() => request.key_condition_expression(format!("{PK} = :pk")),
            None => request
                .key_condition_expression(format!("{PK} = :pk AND begins_with({SK}, :prefix)"))
                .expression_attribute_values(":prefix", AttributeValue::S(prefix.to_string())),
        };
        // Ask for one more than `limit` so that `next` is set only when another item exists;
        // DynamoDB also stops at 1 MB per response, so follow LastEvaluatedKey until done.
        let mut items: Vec<Item> = Vec::new();
        let mut start: Option<Attributes> = None;
        loop {
            let want = i32::try_from(limit.saturating_add(1) - items.len()).unwrap_or(i32::MAX);
            let page = request.clone().limit(want).set_exclusive_start_key(start.take());
            let out = self.call("Query", || page.clone().send()).await?;
            let mut beyond = false;
            for attributes in out.items() {
                let item = from_attributes(attributes)?;
                if !item.sk.starts_with(prefix) {
                    beyond = true;
                    break;
                }
                items.push(item);
                if items.len() > limit {
                    break;
                }
            }
            if beyond || items.len() > limit {
                break;
            }
            match out.last_evaluated_key() {
                Some(k) => start = Some(k.clone()),
                None => break,
            }
        }
        let more = items.len() > limit;
        items.truncate(limit);
        let next = if more { items.last().map(|i| i.sk.clone()) } else { None };
        Ok(Page { items, next })
    }

    async fn query_kind(&self, kind: &str, limit: usize, after: Option<&str>) -> Result<Page, StoreError> {
        if limit == 0 {
            return Ok(Page { items: Vec::new(), next: None });
        }
        if let Some(a) = after.filter(|a| split_kind_position(a).is_none()) {
            return Err(StoreError::Backend(format!("`{a}` is not a position in a listing by kind")));
        }
        // A global secondary index is read eventually consistent: DynamoDB refuses a
        // consistent read on one.
        let mut request = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(KIND_INDEX)
            .expression_attribute_names("#kind", KIND)
            .expression_attribute_values(":kind", AttributeValue::S(kind.to_string()));
        request = match after {
            Some(a) => request
                .key_condition_expression("#kind = :kind AND #position > :after")
                .expression_attribute_names("#position", POSITION)
                .expression_attribute_values(":after", AttributeValue::S(a.to_string())),
            None => request.key_condition_expression("#kind = :kind"),
        };
        let mut items: Vec<Item> = Vec::new();
        let mut start: Option<Attributes> = None;
        while items.len() <= limit {
            let want = i32::try_from(limit.saturating_add(1) - items.len()).unwrap_or(i32::MAX);
            let page = request.clone().limit(want).set_exclusive_start_key(start.take());
            let out = self.call("Query", || page.clone().send()).await?;
            for attributes in out.items() {
                items.push(from_attributes(attributes)?);
            }
            match out.last_evaluated_key() {
                Some(k) => start = Some(k.clone()),
                None => break,
            }
        }
        let more = items.len() > limit;
        items.truncate(limit);
        let next = if more { items.last().map(|i| kind_position(&i.pk, &i.sk)) } else { None };
        Ok(Page { items, next })
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        check_transaction(&writes)?;
        if writes.is_empty() {
            return Ok(());
        }
        let items = writes.iter().map(|w| self.transact_item(w)).collect::<Result<Vec<_>, _>>()?;
        // The token makes a resend after an ambiguous failure (timeout, 5xx) idempotent: if the
        // first call committed, the resend succeeds without applying twice. A cancelled call
        // applied nothing, so its resend gets a fresh token.
        let token = format!("{:016x}{:08x}", rand::random::<u64>(), rand::random::<u32>());
        let generation = AtomicU32::new(0);
        retry::retry(self.backoff, rand::random::<f64>, tokio::time::sleep, |_| {
            let request = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .client_request_token(format!("{token}-{}", generation.load(Ordering::Relaxed)));
            let (writes, generation) = (&writes, &generation);
            async move {
                let err = match request.send().await {
                    Ok(_) => return Ok(()),
                    Err(e) => e,
                };
                let reasons = match err.as_service_error() {
                    Some(TransactWriteItemsError::TransactionCanceledException(c)) => {
                        Some(c.cancellation_reasons().iter().map(|r| r.code()).collect::<Vec<_>>())
                    }
                    _ => None,
                };
                match reasons.map(|codes| cancellation(&codes)) {
                    Some(Cancellation::Condition(i)) => match writes.get(i) {
                        Some(w) => {
                            let (pk, sk) = w.key();
                            Err(StoreError::ConditionFailed { pk: pk.to_string(), sk: sk.to_string() })
                        }
                        None => {
                            Err(StoreError::Backend(format!("cancellation reason for write {i} of {}", writes.len())))
                        }
                    },
                    Some(Cancellation::Retry(message)) => {
                        generation.fetch_add(1, Ordering::Relaxed);
                        Err(StoreError::Retryable(message))
                    }
                    Some(Cancellation::Fail(message)) => Err(StoreError::Backend(message)),
                    None => Err(sdk_error("TransactWriteItems", err)),
                }
            }
        })
        .await
    }

    async fn put_many(&self, items: Vec<Item>) -> Result<(), StoreError> {
        let requests = last_of_each_key(items)
            .iter()
            .map(|item| {
                let put = PutRequest::builder().set_item(Some(to_attributes(item)?)).build().map_err(backend)?;
                Ok(WriteRequest::builder().put_request(put).build())
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut batches = requests.chunks(BATCH_SIZE).map(<[WriteRequest]>::to_vec);
        let mut running = tokio::task::JoinSet::new();
        loop {
            while running.len() < BATCH_CONCURRENCY {
                let Some(batch) = batches.next() else { break };
                running.spawn(write_batch(self.client.clone(), self.table.clone(), self.backoff, batch));
            }
            match running.join_next().await {
                // Dropping `running` on an error aborts the batches still in flight.
                Some(done) => done.map_err(backend)??,
                None => return Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_round_trip_through_attributes() {
        let item = Item {
            pk: "TXN#P1".into(),
            sk: "2026-11-20#T1".into(),
            version: 7,
            data: json!({ "amount": "1234.56", "big": 18446744073709551615u64, "nested": [null, { "x": "" }] }),
        };
        let attributes = to_attributes(&item).unwrap();
        assert_eq!(attributes.get(VERSION), Some(&AttributeValue::N("7".into())));
        assert!(matches!(attributes.get(DATA), Some(AttributeValue::S(_))), "the body is JSON text");
        assert_eq!(from_attributes(&attributes).unwrap(), item);
    }

    #[test]
    fn malformed_items_name_their_key() {
        let mut attributes = key("P", "1");
        attributes.insert(VERSION.into(), AttributeValue::N("x".into()));
        attributes.insert(DATA.into(), AttributeValue::S("{}".into()));
        match from_attributes(&attributes) {
            Err(StoreError::Decode { pk, sk, .. }) => assert_eq!((pk.as_str(), sk.as_str()), ("P", "1")),
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn conditions_become_expressions() {
        assert_eq!(condition_expression(Condition::None), (None, None, None));
        assert_eq!(condition_expression(Condition::NotExists).0.as_deref(), Some("attribute_not_exists(pk)"));
        let (expression, names, values) = condition_expression(Condition::VersionIs(3));
        assert_eq!(expression.as_deref(), Some("#version = :version"));
        assert_eq!(names.unwrap()["#version"], "version");
        assert_eq!(values.unwrap()[":version"], AttributeValue::N("3".into()));
    }

    #[test]
    fn cancellation_reasons_are_read_in_order() {
        let failed = [Some("None"), Some("None"), Some("ConditionalCheckFailed")];
        assert_eq!(cancellation(&failed), Cancellation::Condition(2));
        let both = [Some("TransactionConflict"), Some("ConditionalCheckFailed")];
        assert_eq!(cancellation(&both), Cancellation::Condition(1), "a failed condition wins");
        assert!(
            matches!(cancellation(&[Some("None"), Some("TransactionConflict")]), Cancellation::Retry(m) if m.contains("write 1: TransactionConflict"))
        );
        assert!(matches!(cancellation(&[Some("ThrottlingError")]), Cancellation::Retry(_)));
        assert!(matches!(cancellation(&[Some("ValidationError")]), Cancellation::Fail(_)));
        assert!(matches!(cancellation(&[]), Cancellation::Fail(m) if m.contains("no reason given")));
    }

    #[test]
    fn throttling_conflicts_and_server_faults_are_retryable() {
        assert!(retryable_service_error(Some("ProvisionedThroughputExceededException"), 400));
        assert!(retryable_service_error(Some("ThrottlingException"), 400));
        assert!(retryable_service_error(Some("TransactionConflictException"), 400));
        assert!(retryable_service_error(None, 503));
        assert!(!retryable_service_error(Some("ValidationException"), 400));
        assert!(!retryable_service_error(Some("ResourceNotFoundException"), 400));
    }

    #[test]
    fn transactions_are_checked_before_any_call() {
        let w = |sk: &str| Write::Delete { pk: "A".into(), sk: sk.into(), condition: Condition::None };
        assert!(matches!(check_transaction(&[w("1"), w("2"), w("1")]), Err(StoreError::DuplicateKey { .. })));
        let many: Vec<Write> = (0..101).map(|i| w(&i.to_string())).collect();
        assert!(matches!(check_transaction(&many), Err(StoreError::TooManyWrites(101))));
        assert!(check_transaction(&many[..100]).is_ok());
    }

    #[test]
    fn bulk_writes_keep_the_last_copy_of_a_key() {
        let i = |sk: &str, n: i64| Item { pk: "A".into(), sk: sk.into(), version: 1, data: json!(n) };
        let kept = last_of_each_key(vec![i("1", 1), i("2", 2), i("1", 3)]);
        assert_eq!(kept, vec![i("2", 2), i("1", 3)]);
    }
}

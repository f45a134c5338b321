//! Reads the AWS SAM template (infra/template.yaml) and checks its security properties
//! without an AWS account: IAM without wildcards, encrypted and protected data, buckets closed
//! to the public, logs kept, alarms raised, each function reaching only its own resources.
//!
//! Every check returns the [`Finding`]s it makes, each naming the resource at fault, so a test
//! can both require none on the real template and require the right one on a broken copy.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A CloudFormation template in its long (JSON) form: short-form tags such as `!Ref` and
/// `!GetAtt` are rewritten as `{"Ref": ..}` and `{"Fn::GetAtt": [..]}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// The whole document.
    pub doc: Value,
}

/// Why a template could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// Not YAML.
    #[error("not valid YAML: {0}")]
    Yaml(#[from] serde_yaml::Error),
    /// YAML that has no JSON form (a non-string key, a non-finite number).
    #[error("{path}: {problem}")]
    Shape {
        /// Where, as a dotted path.
        path: String,
        /// What is wrong there.
        problem: String,
    },
    /// No `Resources` mapping.
    #[error("the template has no Resources mapping")]
    NoResources,
}

/// One violated property, naming the resource (logical id) at fault.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// Logical id of the resource.
    pub resource: String,
    /// What is wrong with it.
    pub problem: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.resource, self.problem)
    }
}

fn finding(resource: &str, problem: impl Into<String>) -> Finding {
    Finding { resource: resource.to_string(), problem: problem.into() }
}

/// Parses a template written in YAML with CloudFormation's short-form tags.
pub fn parse(yaml: &str) -> Result<Template, TemplateError> {
    let value: serde_yaml::Value = serde_yaml::from_str(yaml)?;
    let doc = long_form(value, "")?;
    if !doc.get("Resources").is_some_and(Value::is_object) {
        return Err(TemplateError::NoResources);
    }
    Ok(Template { doc })
}

fn long_form(value: serde_yaml::Value, path: &str) -> Result<Value, TemplateError> {
    use serde_yaml::Value as Y;
    let shape = |problem: String| TemplateError::Shape { path: path.to_string(), problem };
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Value::from(
                    serde_json::Number::from_f64(f).ok_or_else(|| shape(format!("number {f} has no JSON form")))?,
                )
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| long_form(item, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(entries) => {
            let mut out = Map::new();
            for (key, item) in entries {
                let Y::String(key) = key else { return Err(shape(format!("key {key:?} is not a string"))) };
                let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                out.insert(key, long_form(item, &child)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            let name = tagged.tag.to_string();
            let name = name.trim_start_matches('!');
            let inner = long_form(tagged.value, path)?;
            let (key, inner) = match name {
                "Ref" | "Condition" => (name.to_string(), inner),
                // `!GetAtt Res.Attr.Sub` is `["Res", "Attr.Sub"]`.
                "GetAtt" => match inner {
                    Value::String(s) => {
                        let (resource, attribute) =
                            s.split_once('.').ok_or_else(|| shape(format!("!GetAtt {s} has no attribute")))?;
                        ("Fn::GetAtt".to_string(), Value::from(vec![resource, attribute]))
                    }
                    other => ("Fn::GetAtt".to_string(), other),
                },
                other => (format!("Fn::{other}"), inner),
            };
            let mut out = Map::new();
            out.insert(key, inner);
            Value::Object(out)
        }
    })
}

impl Template {
    /// The resources, by logical id.
    pub fn resources(&self) -> &Map<String, Value> {
        self.doc["Resources"].as_object().expect("checked by parse")
    }

    /// Logical ids and bodies of the resources of one type, in template order.
    pub fn of_type<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.resources().iter().filter(move |(_, r)| r["Type"] == kind).map(|(id, r)| (id.as_str(), r))
    }

    /// The Lambda functions (SAM or plain), by logical id.
    pub fn functions(&self) -> Vec<(&str, &Value)> {
        self.of_type("AWS::Serverless::Function").chain(self.of_type("AWS::Lambda::Function")).collect()
    }

    /// A function's property, falling back to the SAM `Globals.Function` section.
    pub fn function_property<'a>(&'a self, function: &'a Value, name: &str) -> Option<&'a Value> {
        function["Properties"].get(name).or_else(|| self.doc.pointer(&format!("/Globals/Function/{name}")))
    }

    /// The names (resources and parameters) a value refers to through `Ref`, `Fn::GetAtt` and
    /// `Fn::Sub`. A `Fn::Sub` string containing a bucket's name pattern (how a policy names a
    /// bucket it cannot `Ref` without a cycle) refers to that bucket.
    pub fn references(&self, value: &Value) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        self.collect_references(value, &mut found);
        found
    }

    fn collect_references(&self, value: &Value, found: &mut BTreeSet<String>) {
        match value {
            Value::Array(items) => items.iter().for_each(|item| self.collect_references(item, found)),
            Value::Object(map) => {
                if let Some(Value::String(name)) = map.get("Ref") {
                    found.insert(name.clone());
                } else if let Some(Value::Array(parts)) = map.get("Fn::GetAtt") {
                    if let Some(Value::String(name)) = parts.first() {
                        found.insert(name.clone());
                    }
                } else if let Some(sub) = map.get("Fn::Sub") {
                    match sub {
                        Value::String(text) => self.sub_references(text, found),
                        Value::Array(parts) => {
                            if let Some(Value::String(text)) = parts.first() {
                                self.sub_references(text, found);
                            }
                            parts.iter().skip(1).for_each(|part| self.collect_references(part, found));
                        }
                        other => self.collect_references(other, found),
                    }
                } else {
                    map.values().for_each(|item| self.collect_references(item, found));
                }
            }
            _ => {}
        }
    }

    fn sub_references(&self, text: &str, found: &mut BTreeSet<String>) {
        let mut rest = text.to_string();
        for (bucket, body) in self.of_type("AWS::S3::Bucket") {
            if let Some(Value::String(pattern)) = body.pointer("/Properties/BucketName/Fn::Sub")
                && rest.contains(pattern.as_str())
            {
                found.insert(bucket.to_string());
                rest = rest.replace(pattern.as_str(), "");
            }
        }
        let mut tail = rest.as_str();
        while let Some(start) = tail.find("${") {
            let after = &tail[start + 2..];
            let Some(end) = after.find('}') else { break };
            let name = &after[..end];
            // `${!Literal}` is escaped text; `${AWS::Region}` a pseudo parameter.
            if !name.starts_with('!') && !name.starts_with("AWS::") {
                found.insert(name.split('.').next().unwrap_or(name).to_string());
            }
            tail = &after[end + 1..];
        }
    }

    fn is_resource(&self, name: &str) -> bool {
        self.resources().contains_key(name)
    }

    /// The logical id a `Ref` or `Fn::GetAtt` value points at.
    fn target(value: &Value) -> Option<&str> {
        value.get("Ref").and_then(Value::as_str).or_else(|| value.pointer("/Fn::GetAtt/0").and_then(Value::as_str))
    }
}

fn as_list(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// Both branches of a `Fn::If` (either may be deployed), without `AWS::NoValue`; the value
/// itself otherwise.
fn branches(value: &Value) -> Vec<&Value> {
    match value.get("Fn::If").and_then(Value::as_array) {
        Some(parts) if parts.len() == 3 => parts[1..].iter().flat_map(branches).collect(),
        _ if value.get("Ref") == Some(&Value::from("AWS::NoValue")) => Vec::new(),
        _ => vec![value],
    }
}

fn is_true(value: Option<&Value>) -> bool {
    matches!(value, Some(Value::Bool(true))) || value.and_then(Value::as_str) == Some("true")
}

fn actions(statement: &Value) -> Vec<String> {
    as_list(&statement["Action"]).into_iter().filter_map(Value::as_str).map(str::to_string).collect()
}

fn is_allow(statement: &Value) -> bool {
    statement["Effect"] == "Allow"
}

/// Every IAM policy document in the template: where it is, whether it is attached to an
/// identity (a role) or to a resource (bucket, key, topic, queue), and its statements.
fn policy_documents(t: &Template) -> Vec<(&str, bool, &Value)> {
    let mut docs = Vec::new();
    for (id, body) in t.resources() {
        let props = &body["Properties"];
        let kind = body["Type"].as_str().unwrap_or("");
        match kind {
            "AWS::IAM::Role" => {
                for policy in as_list(&props["Policies"]).into_iter().flat_map(branches) {
                    docs.push((id.as_str(), true, &policy["PolicyDocument"]));
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => docs.push((id.as_str(), true, &props["PolicyDocument"])),
            "AWS::Serverless::Function" => {
                // SAM inline statements; policy templates and managed policy names are refused
                // by `function_access`, since their contents are not in the template.
                for policy in as_list(&props["Policies"]) {
                    if policy.get("Statement").is_some() {
                        docs.push((id.as_str(), true, policy));
                    }
                }
            }
            "AWS::S3::BucketPolicy" | "AWS::SNS::TopicPolicy" | "AWS::SQS::QueuePolicy" => {
                docs.push((id.as_str(), false, &props["PolicyDocument"]))
            }
            "AWS::KMS::Key" => docs.push((id.as_str(), false, &props["KeyPolicy"])),
            _ => {}
        }
    }
    docs
}

/// The one wildcard allowed: a key policy letting the account's own root administer the key
/// (AWS's default key policy; without it the key could become unmanageable).
fn is_account_root(principal: &Value) -> bool {
    principal.pointer("/AWS/Fn::Sub").and_then(Value::as_str)
        == Some("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")
}

/// No Allow statement anywhere grants a wildcard action (`*`, `dynamodb:*`, `s3:Get*`) or uses
/// `NotAction`; identity policies also never name `*` as the resource.
pub fn wildcards(t: &Template) -> Vec<Finding> {
    let mut out = Vec::new();
    for (id, identity, doc) in policy_documents(t) {
        for statement in as_list(&doc["Statement"]).into_iter().filter(|s| is_allow(s)) {
            if statement.get("NotAction").is_some() {
                out.push(finding(id, "an Allow statement uses NotAction (allows everything else)"));
            }
            let key_admin = t.resources()[id]["Type"] == "AWS::KMS::Key" && is_account_root(&statement["Principal"]);
            for action in actions(statement).into_iter().filter(|a| a.contains('*')) {
                if !key_admin {
                    out.push(finding(id, format!("allows wildcard action {action}")));
                }
            }
            if identity && as_list(&statement["Resource"]).iter().any(|r| r.as_str() == Some("*")) {
                out.push(finding(id, "an identity policy allows actions on every resource (\"*\")"));
            }
        }
    }
    out
}

/// Every DynamoDB table: encrypted with a KMS key, point-in-time recovery, deletion
/// protection, and retained if the stack is deleted.
pub fn tables(t: &Template) -> Vec<Finding> {
    let mut out = Vec::new();
    for (id, body) in t.of_type("AWS::DynamoDB::Table") {
        let p = &body["Properties"];
        if !is_true(p.pointer("/SSESpecification/SSEEnabled"))
            || p.pointer("/SSESpecification/SSEType") != Some(&"KMS".into())
        {
            out.push(finding(id, "not encrypted with KMS (SSESpecification SSEEnabled + SSEType KMS)"));
        }
        if p.pointer("/SSESpecification/KMSMasterKeyId").is_none() {
            out.push(finding(id, "encrypted with the AWS-owned key, not the stack's customer-managed key"));
        }
        if !is_true(p.pointer("/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled")) {
            out.push(finding(id, "point-in-time recovery is off"));
        }
        if !is_true(p.get("DeletionProtectionEnabled")) {
            out.push(finding(id, "deletion protection is off"));
        }
        if body["DeletionPolicy"] != "Retain" {
            out.push(finding(id, "not retained when the stack is deleted (DeletionPolicy Retain)"));
        }
    }
    out
}

/// Every S3 bucket: all four public-access blocks, default encryption, ACLs disabled, and a
/// bucket policy refusing requests without TLS.
pub fn buckets(t: &Template) -> Vec<Finding> {
    let mut out = Vec::new();
    for (id, body) in t.of_type("AWS::S3::Bucket") {
        let p = &body["Properties"];
        for block in ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"] {
            if !is_true(p.pointer(&format!("/PublicAccessBlockConfiguration/{block}"))) {
                out.push(finding(id, format!("public access not blocked: {block} is not true")));
            }
        }
        let rules = as_list(p.pointer("/BucketEncryption/ServerSideEncryptionConfiguration").unwrap_or(&Value::Null));
        let encrypted = !rules.is_empty()
            && rules.iter().all(|rule| {
                let algorithm = rule.pointer("/ServerSideEncryptionByDefault/SSEAlgorithm").and_then(Value::as_str);
                matches!(algorithm, Some("aws:kms" | "aws:kms:dsse" | "AES256"))
            });
        if !encrypted {
            out.push(finding(id, "no default encryption (BucketEncryption)"));
        }
        let owner_enforced = as_list(p.pointer("/OwnershipControls/Rules").unwrap_or(&Value::Null))
            .iter()
            .any(|rule| rule["ObjectOwnership"] == "BucketOwnerEnforced");
        if !owner_enforced {
            out.push(finding(id, "ACLs are enabled (OwnershipControls BucketOwnerEnforced)"));
        }
        let tls_only = t.of_type("AWS::S3::BucketPolicy").any(|(_, policy)| {
            Template::target(&policy["Properties"]["Bucket"]) == Some(id)
                && as_list(&policy["Properties"]["PolicyDocument"]["Statement"]).iter().any(|s| {
                    s["Effect"] == "Deny"
                        && s.pointer("/Condition/Bool/aws:SecureTransport").is_some_and(|v| v == "false" || v == false)
                })
        });
        if !tls_only {
            out.push(finding(id, "no bucket policy denying requests without TLS (aws:SecureTransport)"));
        }
    }
    out
}

/// Every function writes to its own log group (named `/aws/lambda/<function name>`), and
/// every log group in the template has a retention period and is encrypted.
pub fn logs(t: &Template) -> Vec<Finding> {
    let mut out = Vec::new();
    for (id, function) in t.functions() {
        let Some(group) = function.pointer("/Properties/LoggingConfig/LogGroup").and_then(Template::target) else {
            out.push(finding(id, "no LoggingConfig.LogGroup: Lambda would create a log group kept forever"));
            continue;
        };
        let Some(group_body) = t.resources().get(group).filter(|r| r["Type"] == "AWS::Logs::LogGroup") else {
            out.push(finding(id, format!("LoggingConfig.LogGroup {group} is not a log group of this template")));
            continue;
        };
        let function_name = function.pointer("/Properties/FunctionName/Fn::Sub").and_then(Value::as_str);
        let group_name = group_body.pointer("/Properties/LogGroupName/Fn::Sub").and_then(Value::as_str);
        if function_name.is_none() || group_name != function_name.map(|n| format!("/aws/lambda/{n}")).as_deref() {
            out.push(finding(id, format!("log group {group} is not named /aws/lambda/<FunctionName>")));
        }
    }
    for (id, group) in t.of_type("AWS::Logs::LogGroup") {
        if group.pointer("/Properties/RetentionInDays").is_none() {
            out.push(finding(id, "no RetentionInDays: logs would be kept forever"));
        }
        if group.pointer("/Properties/KmsKeyId").is_none() {
            out.push(finding(id, "not encrypted with the stack's key (KmsKeyId)"));
        }
    }
    out
}

/// Every function has an alarm on its `Errors` and on its `Throttles` metric, and every alarm
/// notifies someone.
pub fn alarms(t: &Template) -> Vec<Finding> {
    let mut out = Vec::new();
    let all: Vec<(&str, &Value)> = t.of_type("AWS::CloudWatch::Alarm").collect();
    for (id, alarm) in &all {
        if as_list(&alarm["Properties"]["AlarmActions"]).is_empty() {
            out.push(finding(id, "notifies nobody (no AlarmActions)"));
        }
    }
    for (id, _) in t.functions() {
        for metric in ["Errors", "Throttles"] {
            let watched = all.iter().any(|(_, alarm)| {
                let p = &alarm["Properties"];
                p["Namespace"] == "AWS/Lambda"
                    && p["MetricName"] == metric
                    && as_list(&p["Dimensions"])
                        .iter()
                        .any(|d| d["Name"] == "FunctionName" && Template::target(&d["Value"]) == Some(id))
            });
            if !watched {
                out.push(finding(id, format!("no alarm on its {metric} metric")));
            }
        }
    }
    out
}

/// What one function may do: actions per resource (logical id or parameter name), beyond
/// writing to its own log group.
pub type Grants<'a> = &'a [(&'a str, &'a [&'a str])];

/// Each function has a role of its own (inline policies only) that reaches nothing but its own
/// log group and the resources and actions `allowed` grants it. A function missing from
/// `allowed` is a finding too, so a new function must state what it needs.
pub fn function_access(t: &Template, allowed: &BTreeMap<&str, Grants<'_>>) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut role_users: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, function) in t.functions() {
        let p = &function["Properties"];
        if p.get("Policies").is_some() {
            out.push(finding(id, "uses SAM Policies; give it an explicit role so its access is in the template"));
        }
        let Some(role) = p.get("Role").and_then(Template::target).filter(|r| t.is_resource(r)) else {
            out.push(finding(id, "has no role of this template (Role: !GetAtt <Role>.Arn)"));
            continue;
        };
        role_users.entry(role).or_default().push(id);
        let Some(grants) = allowed.get(id) else {
            out.push(finding(id, "has no entry in the access table: state what it may reach"));
            continue;
        };
        let own_log_group = p.pointer("/LoggingConfig/LogGroup").and_then(Template::target);
        let role_body = &t.resources()[role];
        if role_body["Properties"].get("ManagedPolicyArns").is_some() {
            out.push(finding(role, "attaches managed policies, whose contents the template cannot show"));
        }
        let mut statements: Vec<&Value> = as_list(&role_body["Properties"]["Policies"])
            .into_iter()
            .flat_map(branches)
            .flat_map(|policy| as_list(&policy["PolicyDocument"]["Statement"]))
            .collect();
        for (policy_id, policy) in t.of_type("AWS::IAM::Policy").chain(t.of_type("AWS::IAM::ManagedPolicy")) {
            if as_list(&policy["Properties"]["Roles"]).iter().any(|r| Template::target(r) == Some(role)) {
                out.push(finding(policy_id, format!("adds statements to {role} outside the role itself")));
                statements.extend(as_list(&policy["Properties"]["PolicyDocument"]["Statement"]));
            }
        }
        for statement in statements.into_iter().filter(|s| is_allow(s)) {
            let targets = t.references(&statement["Resource"]);
            if targets.is_empty() {
                out.push(finding(role, format!("allows {:?} on a resource outside this template", actions(statement))));
            }
            for target in &targets {
                for action in actions(statement) {
                    let logging = Some(target.as_str()) == own_log_group
                        && matches!(action.as_str(), "logs:CreateLogStream" | "logs:PutLogEvents");
                    let granted =
                        grants.iter().any(|(resource, acts)| resource == target && acts.contains(&action.as_str()));
                    if !logging && !granted {
                        out.push(finding(role, format!("allows {action} on {target}, which {id} is not granted")));
                    }
                }
            }
        }
    }
    for (role, users) in role_users {
        if users.len() > 1 {
            out.push(finding(role, format!("shared by {}: each function needs its own role", users.join(", "))));
        }
    }
    out
}

/// Every HTTP API route requires a JWT except the named public ones, and every JWT authorizer
/// trusts only this template's user pool and app client.
pub fn api_auth(t: &Template, public_routes: &[&str]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (id, route) in t.of_type("AWS::ApiGatewayV2::Route") {
        let p = &route["Properties"];
        let key = p["RouteKey"].as_str().unwrap_or("");
        let public = public_routes.contains(&key);
        let jwt = p["AuthorizationType"] == "JWT" && p.get("AuthorizerId").is_some();
        if !public && !jwt {
            out.push(finding(id, format!("route {key} does not require a token")));
        }
    }
    for (id, authorizer) in t.of_type("AWS::ApiGatewayV2::Authorizer") {
        let p = &authorizer["Properties"];
        let issuer = t.references(&p.pointer("/JwtConfiguration/Issuer").cloned().unwrap_or_default());
        let audience = t.references(&p.pointer("/JwtConfiguration/Audience").cloned().unwrap_or_default());
        let pools: BTreeSet<String> = t.of_type("AWS::Cognito::UserPool").map(|(id, _)| id.to_string()).collect();
        let clients: BTreeSet<String> =
            t.of_type("AWS::Cognito::UserPoolClient").map(|(id, _)| id.to_string()).collect();
        if p["AuthorizerType"] != "JWT"
            || issuer.is_disjoint(&pools)
            || audience.is_empty()
            || !audience.is_subset(&clients)
        {
            out.push(finding(id, "is not a JWT authorizer for this template's user pool and app client"));
        }
    }
    out
}

/// Every Cognito app client is one a browser app can use safely: the authorization code flow
/// only (the implicit flow puts tokens in addresses), no client secret (a browser cannot keep
/// one; PKCE protects the code instead), sign-in and sign-out addresses on HTTPS, and no
/// password sign-in that bypasses SRP.
pub fn app_clients(t: &Template) -> Vec<Finding> {
    let mut out = Vec::new();
    for (id, client) in t.of_type("AWS::Cognito::UserPoolClient") {
        let p = &client["Properties"];
        if is_true(p.get("GenerateSecret")) {
            out.push(finding(id, "has a client secret, which a browser app cannot keep"));
        }
        if p["AllowedOAuthFlows"] != serde_json::json!(["code"]) || !is_true(p.get("AllowedOAuthFlowsUserPoolClient")) {
            out.push(finding(id, "does not allow exactly the authorization code flow"));
        }
        for key in ["CallbackURLs", "LogoutURLs"] {
            let urls: Vec<&Value> = as_list(&p[key]).into_iter().flat_map(branches).collect();
            if urls.is_empty() {
                out.push(finding(id, format!("has no {key}")));
            }
            for url in urls {
                let text = url.as_str().or_else(|| url.get("Fn::Sub").and_then(Value::as_str)).unwrap_or("");
                if !text.starts_with("https://") {
                    out.push(finding(id, format!("{key} entry {url} is not an https:// address")));
                }
            }
        }
        for flow in as_list(&p["ExplicitAuthFlows"]).into_iter().filter_map(Value::as_str) {
            if flow.contains("USER_PASSWORD_AUTH") {
                out.push(finding(id, format!("allows {flow}: passwords sent to the API instead of SRP")));
            }
        }
    }
    out
}

/// Every CloudFront distribution: HTTPS for viewers, private S3 origins read through an origin
/// access control, HTTPS to custom origins, and `/api/*` sent uncached to this template's
/// HTTP API.
pub fn distributions(t: &Template) -> Vec<Finding> {
    let mut out = Vec::new();
    for (id, distribution) in t.of_type("AWS::CloudFront::Distribution") {
        let config = &distribution["Properties"]["DistributionConfig"];
        let mut behaviors = vec![&config["DefaultCacheBehavior"]];
        behaviors.extend(as_list(&config["CacheBehaviors"]));
        for behavior in &behaviors {
            if !matches!(behavior["ViewerProtocolPolicy"].as_str(), Some("https-only" | "redirect-to-https")) {
                out.push(finding(id, format!("behavior {} allows plain HTTP", behavior["PathPattern"])));
            }
        }
        let origins = as_list(&config["Origins"]);
        for origin in &origins {
            if origin.get("S3OriginConfig").is_some() {
                let oai = origin.pointer("/S3OriginConfig/OriginAccessIdentity").and_then(Value::as_str).unwrap_or("");
                if origin.get("OriginAccessControlId").is_none() || !oai.is_empty() {
                    out.push(finding(
                        id,
                        format!("S3 origin {} is not read through an origin access control", origin["Id"]),
                    ));
                }
            }
            if origin.get("CustomOriginConfig").is_some()
                && origin.pointer("/CustomOriginConfig/OriginProtocolPolicy") != Some(&"https-only".into())
            {
                out.push(finding(id, format!("custom origin {} is reached without HTTPS", origin["Id"])));
            }
        }
        let apis: BTreeSet<String> = t.of_type("AWS::ApiGatewayV2::Api").map(|(id, _)| id.to_string()).collect();
        let api_behavior = behaviors.iter().find(|b| b["PathPattern"] == "/api/*");
        let routed = api_behavior.is_some_and(|b| {
            origins.iter().any(|o| o["Id"] == b["TargetOriginId"] && !t.references(&o["DomainName"]).is_disjoint(&apis))
        });
        if !routed {
            out.push(finding(id, "/api/* is not routed to this template's HTTP API"));
        }
        // Managed-CachingDisabled: answers carry one person's pay and must never be shared.
        if api_behavior.is_some_and(|b| b["CachePolicyId"] != "4135ea2d-6df8-44a3-9df3-4b5a84be39ad") {
            out.push(finding(id, "/api/* responses may be cached (use the CachingDisabled policy)"));
        }
    }
    out
}

/// Every function runs on `provided.al2023`, arm64, built by cargo-lambda from a named binary.
pub fn runtimes(t: &Template) -> Vec<Finding> {
    let mut out = Vec::new();
    for (id, function) in t.functions() {
        if t.function_property(function, "Runtime") != Some(&"provided.al2023".into()) {
            out.push(finding(id, "runtime is not provided.al2023"));
        }
        if t.function_property(function, "Architectures") != Some(&serde_json::json!(["arm64"])) {
            out.push(finding(id, "architecture is not arm64"));
        }
        if function.pointer("/Metadata/BuildMethod") != Some(&"rust-cargolambda".into())
            || function.pointer("/Metadata/BuildProperties/Binary").and_then(Value::as_str).is_none()
        {
            out.push(finding(id, "not built by cargo-lambda from a named binary (Metadata.BuildProperties.Binary)"));
        }
    }
    out
}

/// Every check except [`function_access`] and [`api_auth`], which need the project's access
/// table and public routes.
pub fn general_checks(t: &Template) -> Vec<Finding> {
    [wildcards(t), tables(t), buckets(t), logs(t), alarms(t), app_clients(t), distributions(t), runtimes(t)].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_form_tags_become_long_form() {
        let t = parse(
            "Resources:\n  A:\n    Type: X\n    Properties:\n      R: !Ref B\n      G: !GetAtt B.Arn.Part\n      \
             S: !Sub \"${B}-x\"\n      I: !If [C, !Ref D, !Ref AWS::NoValue]\n      N: 30\n      F: off\n",
        )
        .unwrap();
        let p = &t.resources()["A"]["Properties"];
        assert_eq!(p["R"], serde_json::json!({ "Ref": "B" }));
        assert_eq!(p["G"], serde_json::json!({ "Fn::GetAtt": ["B", "Arn.Part"] }));
        assert_eq!(p["S"], serde_json::json!({ "Fn::Sub": "${B}-x" }));
        assert_eq!(p["I"], serde_json::json!({ "Fn::If": ["C", { "Ref": "D" }, { "Ref": "AWS::NoValue" }] }));
        assert_eq!(p["N"], 30);
        // YAML 1.2: `off` is a string, as CloudFormation reads it.
        assert_eq!(p["F"], "off");
    }

    #[test]
    fn references_follow_ref_getatt_sub_and_bucket_name_patterns() {
        let t = parse(
            "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub \"${Prefix}-b-${AWS::AccountId}\"\n  \
             Table:\n    Type: AWS::DynamoDB::Table\n",
        )
        .unwrap();
        let value = serde_json::json!([
            { "Fn::Sub": "arn:${AWS::Partition}:s3:::${Prefix}-b-${AWS::AccountId}/in/*" },
            { "Fn::GetAtt": ["Table", "Arn"] },
            { "Fn::Sub": "${Key.Arn} ${!Literal}" }
        ]);
        let found: Vec<String> = t.references(&value).into_iter().collect();
        assert_eq!(found, ["Bucket", "Key", "Table"]);
    }

    #[test]
    fn unreadable_templates_are_named() {
        assert!(matches!(parse("Resources: [1"), Err(TemplateError::Yaml(_))));
        assert!(matches!(parse("Parameters: {}"), Err(TemplateError::NoResources)));
        let error = parse("Resources:\n  A:\n    ? [1, 2]\n    : x\n").unwrap_err();
        assert!(error.to_string().starts_with("Resources.A:"), "{error}");
    }
}

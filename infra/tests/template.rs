//! The security properties of infra/template.yaml, checked from the template itself, and
//! proof that each check fails on a copy of the template broken in the way it guards against.

use plumbline_infra::{Finding, Grants, Template};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn infra_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn template_text() -> String {
    std::fs::read_to_string(infra_dir().join("template.yaml")).expect("infra/template.yaml")
}

fn template() -> Template {
    plumbline_infra::parse(&template_text()).expect("the template parses")
}

const READ: &[&str] = &["dynamodb:GetItem", "dynamodb:Query"];
/// The store's calls (functions/store/src/dynamo.rs): TransactWriteItems and BatchWriteItem
/// are authorised as the puts and deletes they carry.
const READ_WRITE: &[&str] =
    &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];

const API: Grants<'static> = &[("Table", READ_WRITE)];
const IMPORT: Grants<'static> = &[
    ("Table", READ_WRITE),
    ("ImportsBucket", &["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]),
    ("DataKey", &["kms:Decrypt", "kms:GenerateDataKey"]),
    ("ImportDeadLetterQueue", &["sqs:SendMessage"]),
];
const AUDIT: Grants<'static> = &[("Table", READ)];
const COACH: Grants<'static> = &[
    ("Table", &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem"]),
    // Only the one model the firm named, and only when LlmWriter is on.
    ("BedrockModelId", &["bedrock:InvokeModel"]),
];

/// What each function may reach besides its own log group: the access table a reviewer signs.
fn access() -> BTreeMap<&'static str, Grants<'static>> {
    BTreeMap::from([
        ("TokenFunction", &[][..]),
        ("ApiFunction", API),
        ("ImportFunction", IMPORT),
        ("AuditFunction", AUDIT),
        ("CoachFunction", COACH),
    ])
}

/// The one route reachable without a token.
const PUBLIC_ROUTES: &[&str] = &["GET /api/health"];

fn all_findings(t: &Template) -> Vec<Finding> {
    let mut findings = plumbline_infra::general_checks(t);
    findings.extend(plumbline_infra::function_access(t, &access()));
    findings.extend(plumbline_infra::api_auth(t, PUBLIC_ROUTES));
    findings
}

fn assert_clean(findings: &[Finding]) {
    let listed: Vec<String> = findings.iter().map(ToString::to_string).collect();
    assert!(findings.is_empty(), "the template breaks {} properties:\n{}", findings.len(), listed.join("\n"));
}

/// A copy of the template changed by `change` (applied to its long form).
fn mutated(change: impl FnOnce(&mut Value)) -> Template {
    let mut t = template();
    change(&mut t.doc);
    t
}

fn resource<'a>(doc: &'a mut Value, id: &str) -> &'a mut Value {
    doc.pointer_mut(&format!("/Resources/{id}")).unwrap_or_else(|| panic!("resource {id}"))
}

fn mentions(findings: &[Finding], resource: &str, words: &str) -> bool {
    findings.iter().any(|f| f.resource == resource && f.problem.contains(words))
}

#[test]
fn the_template_has_every_security_property() {
    assert_clean(&all_findings(&template()));
}

#[test]
fn the_template_deploys_the_expected_functions() {
    let t = template();
    let functions: Vec<&str> = t.functions().into_iter().map(|(id, _)| id).collect();
    assert_eq!(functions, ["ApiFunction", "AuditFunction", "CoachFunction", "ImportFunction", "TokenFunction"]);
}

/// Every function is built from a binary that exists in the crate its CodeUri names, so
/// `sam build` cannot fail on a missing one.
#[test]
fn every_function_binary_exists() {
    let t = template();
    for (id, function) in t.functions() {
        let code = t.function_property(function, "CodeUri").and_then(Value::as_str).expect("CodeUri");
        let binary = function.pointer("/Metadata/BuildProperties/Binary").and_then(Value::as_str).expect("Binary");
        let source = infra_dir().join(code).join("src/bin").join(format!("{binary}.rs"));
        assert!(source.is_file(), "{id}: binary {binary} has no source at {}", source.display());
    }
}

/// The table's keys are the store's (docs/store.md): the store creates exactly these in tests.
#[test]
fn the_table_has_the_store_keys() {
    let t = template();
    let table = &t.resources()["Table"]["Properties"];
    assert_eq!(
        table["KeySchema"],
        json!([{ "AttributeName": "pk", "KeyType": "HASH" }, { "AttributeName": "sk", "KeyType": "RANGE" }])
    );
    let string = |name: &str| json!({ "AttributeName": name, "AttributeType": "S" });
    assert_eq!(table["AttributeDefinitions"], json!([string("pk"), string("sk"), string("kind"), string("position")]));
    // docs/store.md: the one index, `by_kind` (functions/store/src/dynamo.rs), lists every
    // partition of a kind in pages.
    assert_eq!(
        table["GlobalSecondaryIndexes"],
        json!([{
            "IndexName": "by_kind",
            "KeySchema": [
                { "AttributeName": "kind", "KeyType": "HASH" },
                { "AttributeName": "position", "KeyType": "RANGE" }
            ],
            "Projection": { "ProjectionType": "ALL" }
        }])
    );
}

/// Pay data is encrypted with the stack's own key, not only S3's default.
#[test]
fn imported_files_are_encrypted_with_the_stack_key() {
    let t = template();
    let rule = t.resources()["ImportsBucket"]
        .pointer("/Properties/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault")
        .unwrap();
    assert_eq!(rule["SSEAlgorithm"], "aws:kms");
    assert_eq!(rule["KMSMasterKeyID"], json!({ "Fn::GetAtt": ["DataKey", "Arn"] }));
}

/// Every import kind, JSON documents included, is uploaded to `incoming/<kind>/` (README
/// "Import data"): the bucket's trigger must send such a key to the import function, and its
/// role must be allowed to read it.
#[test]
fn every_import_kind_uploaded_under_incoming_reaches_the_import_function() {
    let t = template();
    let rules = t.resources()["ImportFunction"]
        .pointer("/Properties/Events/FileLanded/Properties/Filter/S3Key/Rules")
        .and_then(Value::as_array)
        .expect("the import function is triggered by S3 keys");
    let policies = t.resources()["ImportRole"]["Properties"]["Policies"].as_array().unwrap();
    let readable: Vec<&str> = policies
        .iter()
        .flat_map(|p| p["PolicyDocument"]["Statement"].as_array().unwrap())
        .filter(|s| s["Action"].as_array().is_some_and(|a| a.contains(&json!("s3:GetObject"))))
        .flat_map(|s| s["Resource"].as_array().unwrap())
        .filter_map(|r| r["Fn::Sub"].as_str())
        // The object part of `arn:...:::<bucket>/<key pattern>`.
        .filter_map(|arn| arn.split_once(":::")?.1.split_once('/').map(|(_, key)| key))
        .collect();
    for kind in plumbline_firm::imports::ImportKind::ALL {
        let extension = match kind.as_str() {
            "settings" | "plans" => "json",
            "calendar" => "ics",
            _ => "csv",
        };
        let key = format!("incoming/{kind}/upload-2026-11.{extension}");
        let triggers = rules.iter().all(|rule| {
            let value = rule["Value"].as_str().unwrap();
            match rule["Name"].as_str().unwrap() {
                "prefix" => key.starts_with(value),
                "suffix" => key.ends_with(value),
                other => panic!("unexpected rule {other}"),
            }
        });
        assert!(triggers, "{key} does not trigger the import function: {rules:?}");
        let may_read = readable.iter().any(|p| p.strip_suffix('*').is_some_and(|prefix| key.starts_with(prefix)));
        assert!(may_read, "the import role may not read {key}: {readable:?}");
    }
}

/// The person id reaches tokens only through administrators: the app client cannot write it.
#[test]
fn people_cannot_change_their_own_person_id() {
    let t = template();
    let client = &t.resources()["UserPoolClient"]["Properties"];
    let writable: Vec<&str> = client["WriteAttributes"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(!writable.iter().any(|a| a.starts_with("custom:")), "the app client may write {writable:?}");
    assert_eq!(t.resources()["UserPool"]["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"], true);
    let groups: Vec<&str> =
        t.of_type("AWS::Cognito::UserPoolGroup").filter_map(|(_, g)| g["Properties"]["GroupName"].as_str()).collect();
    // One group per role (plumbline_firm::Role), named as the API reads them from cognito:groups.
    assert_eq!(groups, ["admin", "compliance", "designer", "leadership", "manager", "rep"]);
}

// ---- each check fails on a template broken the way it guards against

#[test]
fn a_wildcard_injected_into_the_text_is_caught() {
    let text = template_text();
    let narrow = "Action: [dynamodb:GetItem, dynamodb:Query]\n";
    assert_eq!(text.matches(narrow).count(), 1, "the audit role's statement moved; update this test");
    let broken = plumbline_infra::parse(&text.replace(narrow, "Action: \"dynamodb:*\"\n")).unwrap();
    let findings = plumbline_infra::wildcards(&broken);
    assert!(mentions(&findings, "AuditRole", "wildcard action dynamodb:*"), "{findings:?}");
}

#[test]
fn wildcard_actions_and_resources_are_caught_everywhere() {
    for (id, pointer, value, words) in [
        ("ApiRole", "/Properties/Policies/1/PolicyDocument/Statement/0/Action", json!("*"), "wildcard action *"),
        (
            "ImportRole",
            "/Properties/Policies/2/PolicyDocument/Statement/0/Action",
            json!(["s3:Get*"]),
            "wildcard action s3:Get*",
        ),
        ("ApiRole", "/Properties/Policies/1/PolicyDocument/Statement/0/Resource", json!("*"), "every resource"),
        (
            "AccessLogsBucketPolicy",
            "/Properties/PolicyDocument/Statement/0/Action",
            json!("s3:*"),
            "wildcard action s3:*",
        ),
        ("DataKey", "/Properties/KeyPolicy/Statement/1/Action", json!("kms:*"), "wildcard action kms:*"),
    ] {
        let broken = mutated(|doc| *resource(doc, id).pointer_mut(pointer).expect(pointer) = value);
        let findings = plumbline_infra::wildcards(&broken);
        assert!(mentions(&findings, id, words), "{id} {pointer}: {findings:?}");
    }
    let broken = mutated(|doc| {
        let statement =
            resource(doc, "AuditRole").pointer_mut("/Properties/Policies/1/PolicyDocument/Statement/0").unwrap();
        let actions = statement.as_object_mut().unwrap().remove("Action").unwrap();
        statement["NotAction"] = actions;
    });
    assert!(mentions(&plumbline_infra::wildcards(&broken), "AuditRole", "NotAction"));
}

#[test]
fn an_unprotected_table_is_caught() {
    for (pointer, value, words) in [
        ("/Properties/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled", json!(false), "point-in-time"),
        ("/Properties/DeletionProtectionEnabled", json!(false), "deletion protection"),
        ("/Properties/SSESpecification/SSEEnabled", json!(false), "not encrypted"),
        ("/DeletionPolicy", json!("Delete"), "retained"),
    ] {
        let broken = mutated(|doc| *resource(doc, "Table").pointer_mut(pointer).unwrap() = value);
        assert!(mentions(&plumbline_infra::tables(&broken), "Table", words), "{pointer}");
    }
    let broken = mutated(|doc| {
        resource(doc, "Table")["Properties"]["SSESpecification"].as_object_mut().unwrap().remove("KMSMasterKeyId");
    });
    assert!(mentions(&plumbline_infra::tables(&broken), "Table", "AWS-owned key"));
}

#[test]
fn an_open_or_unencrypted_bucket_is_caught() {
    for bucket in ["ImportsBucket", "AppBucket", "AccessLogsBucket"] {
        let broken = mutated(|doc| {
            resource(doc, bucket)["Properties"]["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] =
                json!(false)
        });
        assert!(mentions(&plumbline_infra::buckets(&broken), bucket, "RestrictPublicBuckets"), "{bucket}");
        let broken = mutated(|doc| {
            resource(doc, bucket)["Properties"].as_object_mut().unwrap().remove("BucketEncryption");
        });
        assert!(mentions(&plumbline_infra::buckets(&broken), bucket, "no default encryption"), "{bucket}");
    }
    let broken = mutated(|doc| {
        resource(doc, "ImportsBucketPolicy")["Properties"]["PolicyDocument"]["Statement"][0]["Condition"] = json!({})
    });
    assert!(mentions(&plumbline_infra::buckets(&broken), "ImportsBucket", "TLS"));
}

#[test]
fn a_function_without_kept_logs_is_caught() {
    let broken = mutated(|doc| {
        resource(doc, "ImportLogGroup")["Properties"].as_object_mut().unwrap().remove("RetentionInDays");
    });
    assert!(mentions(&plumbline_infra::logs(&broken), "ImportLogGroup", "RetentionInDays"));
    let broken = mutated(|doc| {
        resource(doc, "AuditFunction")["Properties"].as_object_mut().unwrap().remove("LoggingConfig");
    });
    assert!(mentions(&plumbline_infra::logs(&broken), "AuditFunction", "LoggingConfig"));
    // Writing into another function's group is caught by name.
    let broken = mutated(|doc| {
        resource(doc, "AuditFunction")["Properties"]["LoggingConfig"]["LogGroup"] = json!({ "Ref": "ApiLogGroup" })
    });
    assert!(mentions(&plumbline_infra::logs(&broken), "AuditFunction", "/aws/lambda/<FunctionName>"));
}

#[test]
fn a_function_without_alarms_is_caught() {
    let broken = mutated(|doc| {
        doc["Resources"].as_object_mut().unwrap().remove("ImportThrottlesAlarm");
    });
    let findings = plumbline_infra::alarms(&broken);
    assert!(mentions(&findings, "ImportFunction", "Throttles"), "{findings:?}");
    assert!(!mentions(&findings, "ImportFunction", "Errors"));
    let broken = mutated(|doc| {
        resource(doc, "AuditErrorsAlarm")["Properties"].as_object_mut().unwrap().remove("AlarmActions");
    });
    assert!(mentions(&plumbline_infra::alarms(&broken), "AuditErrorsAlarm", "notifies nobody"));
}

#[test]
fn a_function_reaching_beyond_its_own_resources_is_caught() {
    let access = access();
    // The audit function is read-only.
    let broken = mutated(|doc| {
        resource(doc, "AuditRole")["Properties"]["Policies"][1]["PolicyDocument"]["Statement"][0]["Action"] =
            json!(["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"]);
    });
    let findings = plumbline_infra::function_access(&broken, &access);
    assert!(mentions(&findings, "AuditRole", "dynamodb:PutItem on Table"), "{findings:?}");
    // The API has no business in the imports bucket, even named by its pattern.
    let broken = mutated(|doc| {
        let statements = resource(doc, "ApiRole")["Properties"]["Policies"][1]["PolicyDocument"]["Statement"]
            .as_array_mut()
            .unwrap();
        statements.push(json!({
            "Effect": "Allow", "Action": "s3:GetObject",
            "Resource": { "Fn::Sub": "arn:${AWS::Partition}:s3:::${Prefix}-imports-${AWS::AccountId}-${AWS::Region}/*" }
        }));
    });
    assert!(mentions(&plumbline_infra::function_access(&broken, &access), "ApiRole", "s3:GetObject on ImportsBucket"));
    // Nor in another function's log group.
    let broken = mutated(|doc| {
        resource(doc, "TokenRole")["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"] =
            json!({ "Fn::GetAtt": ["ApiLogGroup", "Arn"] });
    });
    assert!(mentions(&plumbline_infra::function_access(&broken, &access), "TokenRole", "on ApiLogGroup"));
    // A literal ARN outside the template.
    let broken = mutated(|doc| {
        resource(doc, "AuditRole")["Properties"]["Policies"][1]["PolicyDocument"]["Statement"][0]["Resource"] =
            json!("arn:aws:dynamodb:eu-west-2:111122223333:table/other");
    });
    assert!(mentions(&plumbline_infra::function_access(&broken, &access), "AuditRole", "outside this template"));
    // Shared roles, managed policies, SAM policies and unlisted functions.
    let broken = mutated(|doc| {
        resource(doc, "AuditFunction")["Properties"]["Role"] = json!({ "Fn::GetAtt": ["ApiRole", "Arn"] })
    });
    assert!(mentions(&plumbline_infra::function_access(&broken, &access), "ApiRole", "shared by"));
    let broken = mutated(|doc| {
        resource(doc, "ApiRole")["Properties"]["ManagedPolicyArns"] =
            json!(["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"])
    });
    assert!(mentions(&plumbline_infra::function_access(&broken, &access), "ApiRole", "managed policies"));
    let broken =
        mutated(|doc| resource(doc, "ApiFunction")["Properties"]["Policies"] = json!(["AmazonS3ReadOnlyAccess"]));
    assert!(mentions(&plumbline_infra::function_access(&broken, &access), "ApiFunction", "SAM Policies"));
    let mut fewer = access.clone();
    fewer.remove("AuditFunction");
    assert!(mentions(&plumbline_infra::function_access(&template(), &fewer), "AuditFunction", "access table"));
}

#[test]
fn an_open_route_or_foreign_authorizer_is_caught() {
    let broken = mutated(|doc| resource(doc, "HttpApiRoute")["Properties"]["AuthorizationType"] = json!("NONE"));
    assert!(mentions(&plumbline_infra::api_auth(&broken, PUBLIC_ROUTES), "HttpApiRoute", "ANY /api/{proxy+}"));
    let broken = mutated(|doc| {
        resource(doc, "HttpApiAuthorizer")["Properties"]["JwtConfiguration"]["Issuer"] =
            json!("https://issuer.example.com")
    });
    assert!(mentions(&plumbline_infra::api_auth(&broken, PUBLIC_ROUTES), "HttpApiAuthorizer", "user pool"));
}

#[test]
fn a_leaky_distribution_is_caught() {
    let broken = mutated(|doc| {
        resource(doc, "Distribution")["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]["ViewerProtocolPolicy"] =
            json!("allow-all")
    });
    assert!(mentions(&plumbline_infra::distributions(&broken), "Distribution", "plain HTTP"));
    let broken = mutated(|doc| {
        let api = &mut resource(doc, "Distribution")["Properties"]["DistributionConfig"]["CacheBehaviors"][0];
        api["CachePolicyId"] = json!("658327ea-f89d-4fab-a63d-7e88639e58f6");
    });
    assert!(mentions(&plumbline_infra::distributions(&broken), "Distribution", "cached"));
    let broken = mutated(|doc| {
        resource(doc, "Distribution")["Properties"]["DistributionConfig"]["Origins"][0]
            .as_object_mut()
            .unwrap()
            .remove("OriginAccessControlId");
    });
    assert!(mentions(&plumbline_infra::distributions(&broken), "Distribution", "origin access control"));
    let broken = mutated(|doc| {
        resource(doc, "Distribution")["Properties"]["DistributionConfig"]["CacheBehaviors"][0]["TargetOriginId"] =
            json!("app")
    });
    assert!(mentions(&plumbline_infra::distributions(&broken), "Distribution", "not routed"));
}

#[test]
fn a_function_on_another_runtime_is_caught() {
    let broken = mutated(|doc| resource(doc, "ApiFunction")["Properties"]["Architectures"] = json!(["x86_64"]));
    assert!(mentions(&plumbline_infra::runtimes(&broken), "ApiFunction", "arm64"));
    let broken = mutated(|doc| doc["Globals"]["Function"]["Runtime"] = json!("provided.al2"));
    assert_eq!(plumbline_infra::runtimes(&broken).iter().filter(|f| f.problem.contains("al2023")).count(), 5);
}

/// The variables each function's code requires (`required("NAME")` in the helpers of
/// functions/lambda/src/lib.rs that its binary calls) are set by the template, so a renamed
/// or new variable fails here rather than at the first cold start in AWS.
#[test]
fn every_function_gets_the_variables_its_code_requires() {
    let t = template();
    let lambda = infra_dir().join("../functions/lambda/src");
    let lib = std::fs::read_to_string(lambda.join("lib.rs")).expect("functions/lambda/src/lib.rs");
    // Each `pub async fn helper(` up to the next `fn `, with the variables it requires.
    let helpers: Vec<(String, Vec<String>)> = lib
        .split("pub async fn ")
        .skip(1)
        .map(|chunk| {
            let name = chunk.split('(').next().unwrap_or("").to_string();
            let body = chunk.split("\nfn ").next().unwrap_or(chunk);
            let vars =
                body.split("required(\"").skip(1).filter_map(|s| s.split('"').next()).map(str::to_string).collect();
            (name, vars)
        })
        .collect();
    assert!(helpers.iter().any(|(name, vars)| name == "store_from_env" && vars == &["PLUMBLINE_TABLE"]), "{helpers:?}");
    for (id, function) in t.functions() {
        let binary = function.pointer("/Metadata/BuildProperties/Binary").and_then(Value::as_str).unwrap();
        let source = std::fs::read_to_string(lambda.join("bin").join(format!("{binary}.rs"))).unwrap();
        let mut set: Vec<String> = Vec::new();
        for scope in [
            t.doc.pointer("/Globals/Function/Environment/Variables"),
            function.pointer("/Properties/Environment/Variables"),
        ] {
            if let Some(vars) = scope.and_then(Value::as_object) {
                set.extend(vars.keys().cloned());
            }
        }
        for (helper, vars) in &helpers {
            if source.contains(&format!("{helper}(")) {
                for var in vars {
                    assert!(
                        set.contains(var),
                        "{id} ({binary}) calls {helper}, which requires {var}, not set by the template"
                    );
                }
            }
        }
    }
}

/// A policy behind a condition (the coach's Bedrock access) is checked as if it were on.
#[test]
fn a_conditional_policy_is_checked_too() {
    let broken = mutated(|doc| {
        resource(doc, "CoachRole")["Properties"]["Policies"][2]["Fn::If"][1]["PolicyDocument"]["Statement"][0]["Action"] =
            json!("bedrock:*")
    });
    assert!(mentions(&plumbline_infra::wildcards(&broken), "CoachRole", "wildcard action bedrock:*"));
    let findings = plumbline_infra::function_access(&broken, &access());
    assert!(mentions(&findings, "CoachRole", "bedrock:* on BedrockModelId"), "{findings:?}");
}

/// The app's sign-in (app/src/auth.rs: authorization code + PKCE against the hosted UI, the
/// access token sent to the API) fits the stack: the client registers the app's own address
/// for the return and for sign-out, allows the scopes the app asks for, and the API (JWT
/// authorizer and the function's own check) accepts that client's tokens from this pool.
#[test]
fn the_app_client_fits_the_apps_sign_in() {
    let t = template();
    let r = t.resources();
    let client = &r["UserPoolClient"]["Properties"];
    let app_url = &t.doc["Outputs"]["AppUrl"]["Value"];
    assert_eq!(client["CallbackURLs"], json!([app_url]), "people return to the app's address");
    assert_eq!(client["LogoutURLs"], json!([app_url]), "signing out returns to the app's address");
    assert_eq!(client["SupportedIdentityProviders"], json!(["COGNITO"]));

    let auth = std::fs::read_to_string(infra_dir().join("../app/src/auth.rs")).expect("app/src/auth.rs");
    let scopes = auth.split("const SCOPES: &str = \"").nth(1).and_then(|s| s.split('"').next()).expect("SCOPES");
    let allowed: Vec<&str> =
        client["AllowedOAuthScopes"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    for scope in scopes.split(' ') {
        assert!(allowed.contains(&scope), "the app asks for scope {scope}, which the client does not allow");
    }

    // The hosted UI's domain belongs to this pool and is what the app is told to use.
    assert_eq!(r["UserPoolDomain"]["Properties"]["UserPoolId"], json!({ "Ref": "UserPool" }));
    assert!(t.references(&t.doc["Outputs"]["AuthDomain"]["Value"]).contains("UserPoolDomain"));

    // Access tokens carry client_id (checked by the authorizer's audience and by the API) and,
    // through the V2 pre-token trigger, custom:person_id beside cognito:groups.
    let authorizer = &r["HttpApiAuthorizer"]["Properties"]["JwtConfiguration"];
    assert_eq!(authorizer["Audience"], json!([{ "Ref": "UserPoolClient" }]));
    let api_env = &r["ApiFunction"]["Properties"]["Environment"]["Variables"];
    assert_eq!(api_env["PLUMBLINE_CLIENT_ID"], json!({ "Ref": "UserPoolClient" }));
    assert_eq!(api_env["PLUMBLINE_ISSUER"], authorizer["Issuer"]);
    let pool = &r["UserPool"]["Properties"];
    let trigger = &pool["LambdaConfig"]["PreTokenGenerationConfig"];
    assert_eq!(trigger["LambdaArn"], json!({ "Fn::GetAtt": ["TokenFunction", "Arn"] }));
    // Access-token claims need trigger version 2, which the Lite tier does not offer.
    assert_eq!(trigger["LambdaVersion"], "V2_0");
    assert_ne!(pool["UserPoolTier"], "LITE");
}

/// scripts/deploy.sh reads only outputs the template has, and writes the app's /config.json
/// from the ones the app's sign-in needs.
#[test]
fn the_deploy_script_writes_the_apps_config_from_the_stack_outputs() {
    let t = template();
    let script = std::fs::read_to_string(infra_dir().join("../scripts/deploy.sh")).expect("scripts/deploy.sh");
    let read: Vec<&str> = script.split("$(output ").skip(1).filter_map(|s| s.split(')').next()).collect::<Vec<_>>();
    assert!(read.len() >= 5, "{read:?}");
    for name in read {
        assert!(t.doc["Outputs"].get(name).is_some(), "deploy.sh reads output {name}, which the template lacks");
    }
    for line in [
        r#""authDomain": "$(output AuthDomain)""#,
        r#""clientId": "$(output UserPoolClientId)""#,
        r#""redirectUri": "$APP_URL""#,
        r#"APP_URL="$(output AppUrl)""#,
    ] {
        assert!(script.contains(line), "deploy.sh no longer writes {line}");
    }
}

#[test]
fn an_app_client_unfit_for_a_browser_is_caught() {
    let broken = mutated(|doc| {
        let p = &mut resource(doc, "UserPoolClient")["Properties"];
        p["GenerateSecret"] = json!(true);
        p["AllowedOAuthFlows"] = json!(["code", "implicit"]);
        p["LogoutURLs"] = json!(["http://plumbline.example/"]);
        p["ExplicitAuthFlows"] = json!(["ALLOW_USER_PASSWORD_AUTH"]);
    });
    let findings = plumbline_infra::app_clients(&broken);
    for words in ["client secret", "authorization code flow", "LogoutURLs entry", "ALLOW_USER_PASSWORD_AUTH"] {
        assert!(mentions(&findings, "UserPoolClient", words), "{words}: {findings:?}");
    }
    let no_callback = mutated(|doc| {
        resource(doc, "UserPoolClient")["Properties"].as_object_mut().unwrap().remove("CallbackURLs");
    });
    assert!(mentions(&plumbline_infra::app_clients(&no_callback), "UserPoolClient", "has no CallbackURLs"));
}

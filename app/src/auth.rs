//! Sign-in through the firm's identity provider (Cognito's hosted sign-in page): the OAuth 2.0
//! authorization code flow with PKCE (RFC 7636) for a public client, which has no secret.
//!
//! `/config.json`, written beside `index.html` by `scripts/deploy.sh`, says where to send
//! people; `plumbline serve` answers it with `{"mode":"local"}`, and the sign-in page then
//! offers the demo personas instead. The browser's WebCrypto makes the random values and the
//! SHA-256 challenge, so no hashing code is compiled into the app.

use crate::api::{self, Error, path_segment};
use crate::session::Session;
use gloo_net::http::Request;
use gloo_storage::{SessionStorage, Storage};
use leptos::prelude::window;
use plumbline_firm::api::ApiError;
use serde::{Deserialize, Serialize};
use wasm_bindgen_futures::{JsFuture, js_sys::Uint8Array};

/// Where the deployment says how to sign in.
const CONFIG_PATH: &str = "/config.json";
/// The scopes asked for. The API reads the access token, which carries `cognito:groups` and
/// (added by the stack's token function) `custom:person_id` whatever the scopes.
const SCOPES: &str = "openid email profile";
/// `sessionStorage` key of the sign-in in flight: its state and verifier survive the redirect,
/// and only in this tab.
const PENDING_KEY: &str = "plumbline.signin";

/// How people sign in to this deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// The local development issuer: pick a demo persona.
    Local,
    /// The firm's identity provider.
    Hosted(HostedConfig),
}

/// The identity provider the deployment uses (from `/config.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedConfig {
    /// Base address of the hosted sign-in pages, `https://<domain>` without a trailing slash.
    pub domain: String,
    /// The app client id (public: no secret).
    pub client_id: String,
    /// Where the provider sends people back, exactly as registered with the app client.
    pub redirect_uri: String,
}

/// `/config.json` as `scripts/deploy.sh` writes it; other fields (region, pool id) are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfigFile {
    mode: Option<String>,
    auth_domain: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
}

/// Reads `/config.json`. A body that is not a JSON object (a server without the file answers
/// with the app's `index.html`) means local sign-in; a JSON object must be complete.
pub fn parse_config(body: &str) -> Result<Mode, String> {
    if !body.trim_start().starts_with('{') {
        return Ok(Mode::Local);
    }
    let file: ConfigFile = serde_json::from_str(body).map_err(|e| e.to_string())?;
    match file.mode.as_deref() {
        Some("local") => return Ok(Mode::Local),
        None | Some("cognito") => {}
        Some(other) => return Err(format!("mode is \"{other}\"; expected \"local\" or \"cognito\"")),
    }
    let required = |value: Option<String>, name: &str| {
        value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).ok_or_else(|| format!("{name} is missing"))
    };
    let domain = required(file.auth_domain, "authDomain")?;
    let domain = domain.trim_end_matches('/');
    let domain = if domain.contains("://") { domain.to_owned() } else { format!("https://{domain}") };
    if !domain.starts_with("https://") {
        return Err(format!("authDomain must be an https:// address, not {domain}"));
    }
    let redirect_uri = required(file.redirect_uri, "redirectUri")?;
    if !redirect_uri.starts_with("https://") && !redirect_uri.starts_with("http://") {
        return Err(format!("redirectUri must be the app's full address, not {redirect_uri}"));
    }
    Ok(Mode::Hosted(HostedConfig { domain, client_id: required(file.client_id, "clientId")?, redirect_uri }))
}

/// Unpadded base64url (RFC 4648 §5), as PKCE and OAuth parameters use it.
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// `name=value&...` with every value percent-encoded (a query string or a form body).
fn form(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{k}={}", path_segment(v))).collect::<Vec<_>>().join("&")
}

/// The hosted sign-in page's address for one sign-in.
pub fn authorize_url(config: &HostedConfig, challenge: &str, state: &str) -> String {
    let query = form(&[
        ("response_type", "code"),
        ("client_id", &config.client_id),
        ("redirect_uri", &config.redirect_uri),
        ("scope", SCOPES),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
        ("state", state),
    ]);
    format!("{}/oauth2/authorize?{query}", config.domain)
}

/// The token endpoint's address.
pub fn token_url(config: &HostedConfig) -> String {
    format!("{}/oauth2/token", config.domain)
}

/// The form body exchanging an authorization code (with its PKCE verifier) for tokens.
pub fn token_request_body(config: &HostedConfig, code: &str, verifier: &str) -> String {
    form(&[
        ("grant_type", "authorization_code"),
        ("client_id", &config.client_id),
        ("code", code),
        ("redirect_uri", &config.redirect_uri),
        ("code_verifier", verifier),
    ])
}

/// Where signing out sends the browser: the provider ends its own session, then returns to the app.
pub fn logout_url(config: &HostedConfig) -> String {
    let query = form(&[("client_id", &config.client_id), ("logout_uri", &config.redirect_uri)]);
    format!("{}/logout?{query}", config.domain)
}

/// A sign-in started in this tab, kept across the redirect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// Sent as `state`; the answer must carry it back.
    pub state: String,
    /// The PKCE code verifier.
    pub verifier: String,
}

/// A refused sign-in, shown with the provider's or this app's reason.
fn refused(code: &str, message: String) -> Error {
    Error::Api { status: 401, error: ApiError { code: code.to_owned(), message, field: None }, details: None }
}

/// The verifier of the sign-in this answer belongs to. An answer with another `state` (forged,
/// replayed, or meant for another tab) is refused.
pub fn check_state(pending: Option<Pending>, returned_state: &str) -> Result<String, Error> {
    match pending {
        Some(p) if !p.state.is_empty() && p.state == returned_state => Ok(p.verifier),
        _ => Err(refused(
            "sign_in_state",
            "This sign-in answer does not match a sign-in started in this browser tab (it may be old, \
             already used, or from another tab). Please sign in again."
                .to_owned(),
        )),
    }
}

/// The provider sent the person back with an error instead of a code (`error`, `error_description`).
pub fn provider_refusal(error: &str, description: Option<&str>) -> Error {
    let why = description.map(str::trim).filter(|d| !d.is_empty()).unwrap_or(error);
    refused(error, format!("Your firm's sign-in did not complete: {}.", why.trim_end_matches('.')))
}

/// The token endpoint's answer to send to the API: the access token (the API and its JWT
/// authorizer accept access tokens of this app client only).
pub fn access_token(status: u16, body: &str) -> Result<String, Error> {
    #[derive(Deserialize)]
    struct Answer {
        access_token: Option<String>,
        error: Option<String>,
        error_description: Option<String>,
    }
    let answer: Answer =
        serde_json::from_str(body).map_err(|e| Error::Decode(format!("the sign-in token answer: {e}")))?;
    match (answer.access_token, answer.error) {
        (Some(token), None) if (200..300).contains(&status) && !token.is_empty() => Ok(token),
        (_, Some(error)) => Err(provider_refusal(&error, answer.error_description.as_deref())),
        _ => Err(Error::Decode(format!("the sign-in token answer (status {status}) has no access_token"))),
    }
}

/// How this deployment signs people in, from `/config.json`.
pub async fn load_mode() -> Result<Mode, Error> {
    let response = Request::get(CONFIG_PATH).send().await.map_err(|e| Error::Network(e.to_string()))?;
    if response.status() == 404 {
        return Ok(Mode::Local);
    }
    let body = response.text().await.map_err(|e| Error::Network(e.to_string()))?;
    if !response.ok() {
        return Err(Error::Network(format!("{CONFIG_PATH} answered {}", response.status())));
    }
    parse_config(&body).map_err(|why| Error::Decode(format!("{CONFIG_PATH}: {why}")))
}

/// The browser cannot do what sign-in needs.
fn no_webcrypto(detail: impl std::fmt::Debug) -> Error {
    Error::Invalid(ApiError {
        code: "webcrypto".to_owned(),
        message: format!(
            "This browser cannot prepare a secure sign-in (WebCrypto is unavailable; the app must be served \
             over HTTPS): {detail:?}"
        ),
        field: None,
    })
}

/// `n` random bytes from the browser's cryptographic generator, base64url-encoded.
fn random(n: usize) -> Result<String, Error> {
    let mut bytes = vec![0u8; n];
    window().crypto().map_err(no_webcrypto)?.get_random_values_with_u8_array(&mut bytes).map_err(no_webcrypto)?;
    Ok(base64url(&bytes))
}

/// The PKCE S256 challenge of `verifier`: base64url(SHA-256(verifier)), by WebCrypto.
async fn challenge(verifier: &str) -> Result<String, Error> {
    let subtle = window().crypto().map_err(no_webcrypto)?.subtle();
    let promise = subtle.digest_with_str_and_u8_array("SHA-256", verifier.as_bytes()).map_err(no_webcrypto)?;
    let digest = JsFuture::from(promise).await.map_err(no_webcrypto)?;
    Ok(base64url(&Uint8Array::new(&digest).to_vec()))
}

/// Starts a sign-in: remembers its state and verifier in this tab and goes to the hosted page.
pub async fn start(config: &HostedConfig) -> Result<(), Error> {
    // 32 random bytes give a 43-character verifier, the shortest RFC 7636 allows.
    let pending = Pending { state: random(16)?, verifier: random(32)? };
    let url = authorize_url(config, &challenge(&pending.verifier).await?, &pending.state);
    SessionStorage::set(PENDING_KEY, &pending)
        .map_err(|e| Error::Invalid(ApiError { code: "storage".into(), message: e.to_string(), field: None }))?;
    window().location().set_href(&url).map_err(|e| Error::Network(format!("{e:?}")))
}

/// Finishes a sign-in the provider sent back with `code`: checks `state`, exchanges the code
/// and verifier for tokens, and asks the API who the token is for.
pub async fn finish(config: &HostedConfig, code: &str, state: &str) -> Result<Session, Error> {
    // Used once, whatever happens: a reload of the answer's address must not replay it.
    let pending = SessionStorage::get::<Pending>(PENDING_KEY).ok();
    SessionStorage::delete(PENDING_KEY);
    let verifier = check_state(pending, state)?;
    let response = Request::post(&token_url(config))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(token_request_body(config, code, &verifier))
        .map_err(|e| Error::Decode(e.to_string()))?
        .send()
        .await
        .map_err(|e| Error::Network(e.to_string()))?;
    let body = response.text().await.map_err(|e| Error::Network(e.to_string()))?;
    let token = access_token(response.status(), &body)?;
    let persona = api::me(&token).await?;
    Ok(Session { token, persona, logout_url: Some(logout_url(config)) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> HostedConfig {
        HostedConfig {
            domain: "https://plumbline-111122223333.auth.eu-west-2.amazoncognito.com".into(),
            client_id: "4tq1example".into(),
            redirect_uri: "https://plumbline.example-bank.com/".into(),
        }
    }

    #[test]
    fn the_deploy_scripts_config_is_read() {
        // What scripts/deploy.sh writes.
        let body = r#"{
          "region": "eu-west-2",
          "userPoolId": "eu-west-2_AbC",
          "clientId": "4tq1example",
          "authDomain": "https://plumbline-111122223333.auth.eu-west-2.amazoncognito.com",
          "redirectUri": "https://plumbline.example-bank.com/"
        }"#;
        assert_eq!(parse_config(body), Ok(Mode::Hosted(config())));
        // A bare host name and a trailing slash come to the same address.
        let bare = r#"{"authDomain":"plumbline-111122223333.auth.eu-west-2.amazoncognito.com/",
                       "clientId":"4tq1example","redirectUri":"https://plumbline.example-bank.com/"}"#;
        assert_eq!(parse_config(bare), Ok(Mode::Hosted(config())));
    }

    #[test]
    fn no_config_or_a_local_one_means_persona_sign_in() {
        assert_eq!(parse_config(r#"{"mode":"local"}"#), Ok(Mode::Local));
        assert_eq!(parse_config("<!doctype html><html>…"), Ok(Mode::Local));
        assert_eq!(parse_config(""), Ok(Mode::Local));
    }

    #[test]
    fn an_incomplete_or_unsafe_config_is_an_error_naming_the_field() {
        let err = parse_config(r#"{"authDomain":"a.example","redirectUri":"https://app.example/"}"#).unwrap_err();
        assert_eq!(err, "clientId is missing");
        let err = parse_config(r#"{"clientId":"c","redirectUri":"https://app.example/"}"#).unwrap_err();
        assert_eq!(err, "authDomain is missing");
        let err = parse_config(r#"{"authDomain":"http://a.example","clientId":"c","redirectUri":"https://x/"}"#);
        assert!(err.unwrap_err().contains("https://"));
        let err = parse_config(r#"{"authDomain":"a.example","clientId":"c","redirectUri":"/"}"#).unwrap_err();
        assert!(err.contains("redirectUri"));
        assert!(parse_config(r#"{"mode":"saml"}"#).unwrap_err().contains("saml"));
        assert!(parse_config("{ not json").is_err());
    }

    #[test]
    fn base64url_matches_rfc_4648_vectors_without_padding() {
        let cases: [(&[u8], &str); 7] = [
            (b"", ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg"),
            (b"fooba", "Zm9vYmE"),
            (b"foobar", "Zm9vYmFy"),
        ];
        for (bytes, text) in cases {
            assert_eq!(base64url(bytes), text);
        }
        // The two characters that differ from standard base64.
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn base64url_of_the_rfc_7636_example_digest_is_its_challenge() {
        // RFC 7636 appendix B: SHA-256 of "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".
        let digest: [u8; 32] = [
            19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120, 173, 109, 241, 68, 86,
            110, 225, 137, 74, 203, 112, 249, 195,
        ];
        assert_eq!(base64url(&digest), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn the_authorize_url_asks_for_a_code_with_an_s256_challenge() {
        let url = authorize_url(&config(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "s-1_x");
        assert_eq!(
            url,
            "https://plumbline-111122223333.auth.eu-west-2.amazoncognito.com/oauth2/authorize\
             ?response_type=code&client_id=4tq1example\
             &redirect_uri=https%3A%2F%2Fplumbline.example-bank.com%2F&scope=openid%20email%20profile\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=s-1_x"
        );
    }

    #[test]
    fn the_token_request_carries_the_code_verifier_and_redirect() {
        assert_eq!(
            token_url(&config()),
            "https://plumbline-111122223333.auth.eu-west-2.amazoncognito.com/oauth2/token"
        );
        assert_eq!(
            token_request_body(&config(), "c0de+/=", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "grant_type=authorization_code&client_id=4tq1example&code=c0de%2B%2F%3D\
             &redirect_uri=https%3A%2F%2Fplumbline.example-bank.com%2F\
             &code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
    }

    #[test]
    fn signing_out_returns_to_the_app() {
        assert_eq!(
            logout_url(&config()),
            "https://plumbline-111122223333.auth.eu-west-2.amazoncognito.com/logout\
             ?client_id=4tq1example&logout_uri=https%3A%2F%2Fplumbline.example-bank.com%2F"
        );
    }

    #[test]
    fn only_the_answer_to_this_tabs_sign_in_is_accepted() {
        let pending = || Some(Pending { state: "abc".into(), verifier: "v".repeat(43) });
        assert_eq!(check_state(pending(), "abc"), Ok("v".repeat(43)));
        for (pending, state) in [(pending(), "abd"), (pending(), ""), (None, "abc")] {
            let error = check_state(pending, state).unwrap_err();
            assert_eq!(error.code(), "sign_in_state");
            assert!(error.message().contains("sign in again"), "{}", error.message());
        }
        // An empty stored state never matches an empty answer.
        assert!(check_state(Some(Pending { state: String::new(), verifier: "v".into() }), "").is_err());
    }

    #[test]
    fn the_access_token_is_taken_from_the_token_answer() {
        let ok = r#"{"id_token":"i.d.t","access_token":"a.c.t","refresh_token":"r","expires_in":3600,"token_type":"Bearer"}"#;
        assert_eq!(access_token(200, ok), Ok("a.c.t".to_owned()));
        let refused = access_token(400, r#"{"error":"invalid_grant"}"#).unwrap_err();
        assert_eq!(refused.code(), "invalid_grant");
        assert!(refused.message().contains("invalid_grant"));
        assert!(matches!(access_token(500, "{}"), Err(Error::Decode(_))));
        assert!(matches!(access_token(200, "<html>"), Err(Error::Decode(_))));
    }

    #[test]
    fn a_provider_refusal_shows_its_description() {
        let error = provider_refusal("access_denied", Some("User is not enabled."));
        assert_eq!(error.code(), "access_denied");
        assert_eq!(error.message(), "Your firm's sign-in did not complete: User is not enabled.");
        assert_eq!(
            provider_refusal("server_error", None).message(),
            "Your firm's sign-in did not complete: server_error."
        );
    }
}

//! Bearer tokens: JWTs validated against the issuer's JWKS. In AWS the issuer is Cognito;
//! locally a development issuer inside the process signs tokens for the demo personas.
//! Both go through the same [`TokenValidator`].

use crate::error::ApiFailure;
use base64::Engine as _;
use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm, OctetKeyPairParameters,
    OctetKeyPairType, PublicKeyUse,
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode};
use plumbline_firm::{Person, Role};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

/// Who is calling, as established by a valid token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The person's id in Plumbline.
    pub person_id: String,
    /// The role they act in.
    pub role: Role,
}

/// The claims Plumbline reads; the names follow Cognito's so one validator serves both.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Subject.
    pub sub: String,
    /// Issuer.
    pub iss: String,
    /// Client id (Cognito access tokens carry it instead of `aud`).
    pub client_id: String,
    /// Expiry, seconds since the epoch.
    pub exp: u64,
    /// Issued at.
    pub iat: u64,
    /// Groups; the first Plumbline role among them is the caller's role.
    #[serde(rename = "cognito:groups", default)]
    pub groups: Vec<String>,
    /// The Plumbline person id (a custom attribute in Cognito).
    #[serde(rename = "custom:person_id")]
    pub person_id: String,
}

/// Validates tokens against a key set, issuer and client id.
pub struct TokenValidator {
    issuer: String,
    client_id: String,
    keys: JwkSet,
}

impl TokenValidator {
    /// A validator for tokens from `issuer` for `client_id`, checked against `keys`.
    pub fn new(issuer: &str, client_id: &str, keys: JwkSet) -> TokenValidator {
        TokenValidator { issuer: issuer.to_string(), client_id: client_id.to_string(), keys }
    }

    /// Checks signature, issuer, expiry and client, and reads the principal.
    pub fn validate(&self, token: &str) -> Result<Principal, ApiFailure> {
        let bad = |why: &str| ApiFailure::Unauthenticated(format!("invalid token: {why}"));
        let header = decode_header(token).map_err(|e| bad(&e.to_string()))?;
        let kid = header.kid.ok_or_else(|| bad("no key id"))?;
        let jwk = self.keys.find(&kid).ok_or_else(|| bad("unknown key id"))?;
        let key = DecodingKey::from_jwk(jwk).map_err(|e| bad(&e.to_string()))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.issuer]);
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        let claims = decode::<Claims>(token, &key, &validation).map_err(|e| bad(&e.to_string()))?.claims;
        if claims.client_id != self.client_id {
            return Err(bad("issued for another client"));
        }
        let role = claims
            .groups
            .iter()
            .find_map(|g| Role::ALL.into_iter().find(|r| r.as_str() == g))
            .ok_or_else(|| bad("no Plumbline role in cognito:groups"))?;
        Ok(Principal { person_id: claims.person_id, role })
    }
}

/// The local development issuer: an Ed25519 key made at start-up, never persisted.
pub struct DevIssuer {
    issuer: String,
    client_id: String,
    key: EncodingKey,
    jwk: Jwk,
}

/// PKCS#8 v1 wrapping of a raw Ed25519 seed (RFC 8410).
const ED25519_PKCS8_PREFIX: [u8; 16] =
    [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

fn hex_prefix(bytes: &[u8]) -> String {
    bytes.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// How long development tokens live.
const DEV_TOKEN_SECONDS: u64 = 12 * 3600;

impl DevIssuer {
    /// A new issuer with a fresh random key.
    pub fn generate(issuer: &str, client_id: &str) -> DevIssuer {
        let mut seed = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut seed);
        let mut der = ED25519_PKCS8_PREFIX.to_vec();
        der.extend_from_slice(&seed);
        let key = EncodingKey::from_ed_der(&der);
        let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key().to_bytes();
        let jwk = Jwk {
            common: CommonParameters {
                key_algorithm: Some(KeyAlgorithm::EdDSA),
                public_key_use: Some(PublicKeyUse::Signature),
                key_id: Some(format!("dev-{}", hex_prefix(&public))),
                ..Default::default()
            },
            algorithm: AlgorithmParameters::OctetKeyPair(OctetKeyPairParameters {
                key_type: OctetKeyPairType::OctetKeyPair,
                curve: EllipticCurve::Ed25519,
                x: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(public),
            }),
        };
        DevIssuer { issuer: issuer.to_string(), client_id: client_id.to_string(), key, jwk }
    }

    /// The public keys, as Cognito would publish them.
    pub fn jwks(&self) -> JwkSet {
        JwkSet { keys: vec![self.jwk.clone()] }
    }

    /// A validator that accepts this issuer's tokens.
    pub fn validator(&self) -> TokenValidator {
        TokenValidator::new(&self.issuer, &self.client_id, self.jwks())
    }

    /// Signs a token for a person in their role.
    pub fn sign(&self, person: &Person) -> String {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let claims = Claims {
            sub: person.id.clone(),
            iss: self.issuer.clone(),
            client_id: self.client_id.clone(),
            exp: now + DEV_TOKEN_SECONDS,
            iat: now,
            groups: vec![person.role.as_str().to_string()],
            person_id: person.id.clone(),
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = self.jwk.common.key_id.clone();
        encode(&header, &claims, &self.key).expect("signing with a valid Ed25519 key succeeds")
    }
}

/// Token handling for a process: a validator, and locally the development issuer.
pub struct Auth {
    /// Validates every request's token.
    pub validator: TokenValidator,
    /// Present only in local mode; enables the persona sign-in routes.
    pub dev_issuer: Option<DevIssuer>,
}

impl Auth {
    /// Local mode: a development issuer and a validator for it.
    pub fn development() -> Auth {
        let issuer = DevIssuer::generate("plumbline-dev", "plumbline-local");
        Auth { validator: issuer.validator(), dev_issuer: Some(issuer) }
    }

    /// Reads the principal from an `Authorization` header value.
    pub fn principal(&self, authorization: Option<&str>) -> Result<Principal, ApiFailure> {
        let header =
            authorization.ok_or_else(|| ApiFailure::Unauthenticated("sign in first: no bearer token".into()))?;
        let token = header
            .strip_prefix("Bearer ")
            .ok_or_else(|| ApiFailure::Unauthenticated("the Authorization header must be `Bearer <token>`".into()))?;
        self.validator.validate(token.trim())
    }
}

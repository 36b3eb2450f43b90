//! Classifying SDK errors: into gaps for one read, or into the one error that
//! means the source cannot be read at all.

use aws_sdk_sts::error::SdkError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use cloudgrade_model::{Gap, GapReason, ResourceKind};

use super::CollectError;
use crate::complete::IncompleteDocument;

/// What each service answers when the caller's policy does not allow a call
/// (moto says `AccessDenied` even for EC2, which says `UnauthorizedOperation`).
const DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "UnauthorizedException",
    "AuthorizationError",
    "NotAuthorized",
    "AuthFailure",
];
/// Throttling codes. The SDK retries these; one that reaches here ran out of
/// attempts.
const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "SlowDown",
    "EC2ThrottledException",
    "PriorRequestNotComplete",
];
/// What emulators (and AWS, for an unknown action) answer for an operation
/// they do not implement.
const UNSUPPORTED: &[&str] = &[
    "NotImplemented",
    "NotImplementedError",
    "InvalidAction",
    "UnknownOperationException",
    "UnknownOperation",
];

/// Where the error happened, which decides how much a bare server error says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// Real AWS: a 500 is an incident, not a missing feature.
    Aws,
    /// An emulator: a 500 without an AWS error code is a crash on an
    /// operation it does not implement (moto answers with an HTML page).
    Emulator,
}

/// One gap per kind the failed read leaves unknown.
pub fn gaps<E>(
    err: &SdkError<E, HttpResponse>,
    endpoint: Endpoint,
    operation: &str,
    kinds: &[ResourceKind],
) -> Vec<Gap>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let (reason, message) = classify(err, endpoint);
    kinds
        .iter()
        .map(|&kind| Gap {
            kind,
            operation: operation.to_string(),
            reason,
            message: message.clone(),
        })
        .collect()
}

pub fn classify<E>(err: &SdkError<E, HttpResponse>, endpoint: Endpoint) -> (GapReason, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let Some(doc) = incomplete_document(err) {
        return (GapReason::Other, doc.to_string());
    }
    let (code, message) = code_and_message(err);
    let code = code.as_str();
    let status = err.raw_response().map(|r| r.status().as_u16());
    let detail = match (code, message) {
        ("", _) => root_cause(err),
        (code, Some(m)) => format!("{code}: {m}"),
        (code, None) => code.to_string(),
    };
    if DENIED.contains(&code) {
        return (
            GapReason::AccessDenied,
            format!("acceso denegado ({detail})"),
        );
    }
    if THROTTLED.contains(&code) || status == Some(429) {
        return (
            GapReason::Throttled,
            format!("AWS limitó la frecuencia de llamadas y se agotaron los reintentos ({detail})"),
        );
    }
    let text = detail.to_lowercase();
    let unsupported = UNSUPPORTED.contains(&code)
        || status == Some(501)
        || text.contains("not yet implemented")
        || text.contains("not implemented")
        || (endpoint == Endpoint::Emulator
            && status == Some(500)
            && code.is_empty()
            && is_html_page(err));
    if unsupported {
        let status = status.map(|s| format!("HTTP {s}, ")).unwrap_or_default();
        let detail = if code.is_empty() {
            "sin código de error".to_string()
        } else {
            detail
        };
        return (
            GapReason::Unsupported,
            format!("el endpoint no implementa la operación ({status}{detail})"),
        );
    }
    if let Some(status) = status.filter(|s| *s >= 500) {
        // A server error with no AWS error in it (a crash, a proxy's page,
        // bytes that are nothing): say what came, not a Rust type's name.
        if code.is_empty() {
            return (
                GapReason::Other,
                format!("el endpoint respondió HTTP {status} sin un error de AWS reconocible"),
            );
        }
    }
    (GapReason::Other, detail)
}

/// A 2xx answer that [`crate::complete`] found cut short or empty.
pub(crate) fn incomplete_document<E>(err: &SdkError<E, HttpResponse>) -> Option<&IncompleteDocument>
where
    E: std::error::Error + 'static,
{
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(doc) = e.downcast_ref::<IncompleteDocument>() {
            return Some(doc);
        }
        cur = e.source();
    }
    None
}

/// Whether the body is an HTML page: what moto (its web framework) answers
/// for an operation it does not implement, as for any crash. A 500 that is
/// neither that nor an AWS error is a broken answer, not a missing feature.
fn is_html_page<E>(err: &SdkError<E, HttpResponse>) -> bool {
    err.raw_response()
        .and_then(|r| r.body().bytes())
        .map(|b| {
            let head = String::from_utf8_lossy(&b[..b.len().min(512)]).to_ascii_lowercase();
            let head = head.trim_start();
            head.starts_with("<!doctype html") || head.starts_with("<html")
        })
        .unwrap_or(false)
}

/// What AWS (and emulators enforcing IAM) answer when the keys or the
/// token themselves are refused: only these are "credenciales rechazadas".
const CREDENTIALS: &[&str] = &[
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "InvalidAccessKeyId",
    "MissingAuthenticationToken",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidToken",
    "TokenRefreshRequired",
    "AuthFailure",
];

/// The error of the first call, which decides whether there is a source at all.
pub fn fatal<E>(location: &str, err: &SdkError<E, HttpResponse>) -> CollectError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let emulator = location.starts_with("http");
    let advice = if emulator {
        "¿está en marcha el emulador?"
    } else {
        "¿hay conexión a internet?"
    };
    match err {
        SdkError::DispatchFailure(d) if d.is_io() || d.is_timeout() => {
            let detail = root_cause(err);
            if connected(err) {
                // It connected and the connection then broke: not a dead
                // endpoint, and not the keys either.
                CollectError::FirstCall {
                    location: location.to_string(),
                    detail: format!("la conexión se cortó antes de la respuesta ({detail})"),
                }
            } else {
                CollectError::Unreachable {
                    endpoint: location.to_string(),
                    detail,
                    advice,
                }
            }
        }
        SdkError::TimeoutError(_) => CollectError::Unreachable {
            endpoint: location.to_string(),
            detail: "no respondió a tiempo".into(),
            advice,
        },
        // Before anything is sent: the credential chain found nothing usable.
        SdkError::DispatchFailure(_) | SdkError::ConstructionFailure(_) => {
            CollectError::NoCredentials {
                location: location.to_string(),
                detail: root_cause(err),
            }
        }
        _ => {
            let (code, _) = code_and_message(err);
            if CREDENTIALS.contains(&code.as_str()) {
                CollectError::Credentials {
                    location: location.to_string(),
                    detail: describe(err),
                }
            } else {
                let (reason, message) = classify(err, Endpoint::Aws);
                let detail = match reason {
                    // classify's wording is about a read among others; here
                    // the whole budget went on the one call.
                    GapReason::Throttled => format!(
                        "limitó la frecuencia de llamadas en cada uno de los intentos ({})",
                        describe(err)
                    ),
                    _ => message,
                };
                CollectError::FirstCall {
                    location: location.to_string(),
                    detail,
                }
            }
        }
    }
}

/// Whether a failed request got as far as a connection: a reset or a
/// connection closed mid-answer, rather than one refused or never made.
fn connected<E>(err: &SdkError<E, HttpResponse>) -> bool
where
    E: std::error::Error + 'static,
{
    let chain = DisplayErrorContext(err).to_string().to_lowercase();
    let refused = [
        "refused",
        "connect error",
        "dns error",
        "failed to lookup",
        "no route to host",
    ]
    .iter()
    .any(|w| chain.contains(w));
    !refused
        && (chain.contains("reset") || chain.contains("closed") || chain.contains("broken pipe"))
}

/// An SDK error in one line, never its Debug form: the service's
/// `Code: message` when it answered, the root cause (refused, timed out)
/// when it did not.
pub(crate) fn describe<E>(err: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match code_and_message(err) {
        (c, Some(m)) if !c.is_empty() => format!("{c}: {m}"),
        (c, None) if !c.is_empty() => c,
        _ => root_cause(err),
    }
}

/// The error's code and message as the SDK parsed them, or, when it could
/// not (moto wraps some errors in an extra `<Errors>` element the SDK does
/// not expect), as found in the response body.
fn code_and_message<E>(err: &SdkError<E, HttpResponse>) -> (String, Option<String>)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let Some(code) = err.code() {
        return (code.to_string(), err.message().map(one_line));
    }
    let body = err
        .raw_response()
        .and_then(|r| r.body().bytes())
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let code = xml_text(&body, "Code").unwrap_or_default();
    (code, xml_text(&body, "Message").map(|m| one_line(&m)))
}

/// The text of the first `<tag>` element of an XML body, without parsing
/// the rest (an error body is small and flat).
fn xml_text(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let len = body[start..].find(&format!("</{tag}>"))?;
    Some(body[start..start + len].trim().to_string()).filter(|t| !t.is_empty())
}

/// The innermost cause, on one line: "Connection refused (os error 111)".
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    let text = cur.to_string();
    // Some causes are bare ("other"); the whole chain then says more.
    if text.len() < 12 {
        one_line(&DisplayErrorContext(err).to_string())
    } else {
        one_line(&text)
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every read, or every gap of those that failed.
pub fn collect_all<T>(reads: Vec<Result<T, Vec<Gap>>>) -> Result<Vec<T>, Vec<Gap>> {
    let (mut ok, mut failed) = (Vec::new(), Vec::new());
    for r in reads {
        match r {
            Ok(v) => ok.push(v),
            Err(g) => failed.extend(g),
        }
    }
    if failed.is_empty() {
        Ok(ok)
    } else {
        Err(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_code_and_message_from_a_wrapped_error_body() {
        let body = "<ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code>\
                    <Message>The security token included in the request is invalid.</Message></Error></Errors></ErrorResponse>";
        assert_eq!(
            xml_text(body, "Code").as_deref(),
            Some("InvalidClientTokenId")
        );
        assert_eq!(
            xml_text(body, "Message").as_deref(),
            Some("The security token included in the request is invalid.")
        );
        assert_eq!(xml_text("<html>500</html>", "Code"), None);
        assert_eq!(xml_text("<Code></Code>", "Code"), None);
    }
}

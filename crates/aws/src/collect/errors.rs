//! Classifying SDK errors: into gaps for one read, or into the one error that
//! means the source cannot be read at all.

use aws_sdk_sts::error::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use cloudgrade_model::{Gap, GapReason, ResourceKind};

use super::CollectError;

const DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthFailure",
    "NotAuthorized",
];
const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "RequestThrottled",
    "SlowDown",
];

/// One gap per kind the failed read leaves unknown.
pub fn gaps<E, R>(err: &SdkError<E, R>, operation: &str, kinds: &[ResourceKind]) -> Vec<Gap>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let code = err.code().unwrap_or("");
    let reason = if DENIED.contains(&code) {
        GapReason::AccessDenied
    } else if THROTTLED.contains(&code) {
        GapReason::Throttled
    } else if is_unsupported(err, code) {
        GapReason::Unsupported
    } else {
        GapReason::Other
    };
    let message = match (code, err.message()) {
        ("", _) => DisplayErrorContext(err).to_string(),
        (code, Some(m)) => format!("{code}: {m}"),
        (code, None) => code.to_string(),
    };
    kinds.iter().map(|&kind| Gap { kind, operation: operation.to_string(), reason, message: message.clone() }).collect()
}

/// Emulators answer operations they lack with 501, or 500 and a message.
fn is_unsupported<E, R: std::fmt::Debug>(err: &SdkError<E, R>, code: &str) -> bool
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if matches!(code, "NotImplemented" | "InvalidAction" | "UnknownOperationException" | "NotImplementedError") {
        return true;
    }
    let text = DisplayErrorContext(err).to_string().to_lowercase();
    text.contains("not yet implemented") || text.contains("not implemented") || text.contains("status code: 501")
}

pub fn fatal<E, R>(endpoint: &str, err: &SdkError<E, R>) -> CollectError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    match err {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => CollectError::Unreachable {
            endpoint: endpoint.to_string(),
            detail: root_cause(err),
            advice: if endpoint.starts_with("http") { ": ¿está en marcha el emulador?" } else { "" },
        },
        _ => CollectError::Credentials {
            endpoint: endpoint.to_string(),
            detail: match (err.code(), err.message()) {
                (Some(c), Some(m)) => format!("{c}: {m}"),
                _ => root_cause(err),
            },
        },
    }
}

/// The innermost cause, on one line: "Connection refused (os error 111)".
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string().replace('\n', " ")
}

//! The smallest HTTP client that answers "what status does this port give
//! for this path": enough for a health endpoint and an emulator's readiness,
//! over loopback only, with no TLS and no dependency.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeError {
    /// Nothing listens (yet).
    Refused,
    /// Docker's port proxy accepted and closed: the container is not
    /// listening on that port (yet).
    ClosedWithoutAnswer,
    TimedOut,
    /// Something answered, but not HTTP.
    NotHttp(String),
    Io(String),
}

impl ProbeError {
    /// Worth asking again: the server may just not be up yet.
    pub fn transient(&self) -> bool {
        matches!(
            self,
            ProbeError::Refused | ProbeError::ClosedWithoutAnswer | ProbeError::TimedOut
        )
    }

    pub fn spanish(&self) -> String {
        match self {
            ProbeError::Refused => "conexión rechazada: nada escucha en ese puerto".into(),
            ProbeError::ClosedWithoutAnswer => {
                "la conexión se cerró sin respuesta: nada escucha en ese puerto \
                                                 dentro del contenedor"
                    .into()
            }
            ProbeError::TimedOut => "no respondió a tiempo".into(),
            ProbeError::NotHttp(first) => format!("respondió algo que no es HTTP («{first}»)"),
            ProbeError::Io(e) => format!("error de red: {e}"),
        }
    }
}

/// `GET path` on `127.0.0.1:port`; the status code of the answer.
pub async fn get_status(port: u16, path: &str, timeout: Duration) -> Result<u16, ProbeError> {
    match tokio::time::timeout(timeout, exchange(port, path)).await {
        Ok(r) => r,
        Err(_) => Err(ProbeError::TimedOut),
    }
}

async fn exchange(port: u16, path: &str) -> Result<u16, ProbeError> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::ConnectionRefused => ProbeError::Refused,
            _ => ProbeError::Io(e.to_string()),
        })?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: cloudgrade\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(closed_or)?;
    // The status line is all that is needed; read until it is complete.
    let mut buf = Vec::with_capacity(256);
    let mut chunk = [0u8; 256];
    while !buf.contains(&b'\n') && buf.len() < 4096 {
        let n = stream.read(&mut chunk).await.map_err(closed_or)?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    if buf.is_empty() {
        return Err(ProbeError::ClosedWithoutAnswer);
    }
    parse_status_line(&buf)
}

fn closed_or(e: std::io::Error) -> ProbeError {
    match e.kind() {
        std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::BrokenPipe
        | std::io::ErrorKind::UnexpectedEof
        | std::io::ErrorKind::ConnectionAborted => ProbeError::ClosedWithoutAnswer,
        _ => ProbeError::Io(e.to_string()),
    }
}

fn parse_status_line(buf: &[u8]) -> Result<u16, ProbeError> {
    let line = String::from_utf8_lossy(buf);
    let first = line.lines().next().unwrap_or("").trim().to_string();
    let mut parts = first.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some(version), Some(code)) if version.starts_with("HTTP/") => code
            .parse::<u16>()
            .map_err(|_| ProbeError::NotHttp(shorten(&first))),
        _ => Err(ProbeError::NotHttp(shorten(&first))),
    }
}

fn shorten(s: &str) -> String {
    s.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    #[test]
    fn parses_status_lines() {
        assert_eq!(parse_status_line(b"HTTP/1.0 200 OK\r\n"), Ok(200));
        assert_eq!(
            parse_status_line(b"HTTP/1.1 404 Not Found\r\nX: y\r\n"),
            Ok(404)
        );
        assert!(matches!(
            parse_status_line(b"SSH-2.0-OpenSSH\r\n"),
            Err(ProbeError::NotHttp(_))
        ));
    }

    async fn serve_once(answer: &'static [u8]) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await;
            let _ = s.write_all(answer).await;
        });
        port
    }

    #[tokio::test]
    async fn reads_the_status_of_a_real_exchange() {
        let port = serve_once(b"HTTP/1.0 503 Service Unavailable\r\n\r\n").await;
        assert_eq!(
            get_status(port, "/health", Duration::from_secs(2)).await,
            Ok(503)
        );
    }

    #[tokio::test]
    async fn a_closed_port_is_refused_and_a_silent_close_is_told_apart() {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
            l.local_addr().unwrap().port()
        };
        assert_eq!(
            get_status(port, "/", Duration::from_secs(2)).await,
            Err(ProbeError::Refused)
        );
        let port = serve_once(b"").await;
        assert_eq!(
            get_status(port, "/", Duration::from_secs(2)).await,
            Err(ProbeError::ClosedWithoutAnswer)
        );
    }
}

//! Reading a file the user named: bounded in size, only from a regular file
//! (or a pipe), and decoded the way Windows editors and shells write text.
//! Every reader of user input (`.tf`, `.tfvars`, plan JSON, snapshots,
//! reports, feature files, rosters, Dockerfiles) goes through here, so a
//! `main.tf` that points at `/dev/zero` is refused instead of read until
//! memory runs out, and a plan written by PowerShell 5.1's `>` (UTF-16) is
//! either read or named, never a baffling JSON error.

use std::io::Read;
use std::path::Path;

/// What a kind of file may be: its Spanish name, its size cap and how its
/// text is decoded. The caps are documented in the README ("Límites").
#[derive(Debug, Clone, Copy)]
pub struct InputKind {
    pub what: &'static str,
    pub max_bytes: u64,
    /// Decode UTF-16 with a byte order mark. Only for files a shell writes
    /// (`terraform show -json > plan.json` in PowerShell 5.1 is UTF-16 LE
    /// with a BOM): decoding them is lossless and std validates every
    /// surrogate. Files the student edits (`.tf`, a Dockerfile) are refused
    /// with the fix instead, because Terraform and Docker refuse them too:
    /// grading them would pass work that does not run.
    pub utf16: bool,
    /// Invalid UTF-8 is replaced rather than refused (a stray Latin-1
    /// comment in a `.tf` must not make a whole configuration unreadable).
    pub lossy: bool,
}

const MIB: u64 = 1024 * 1024;

pub const TERRAFORM: InputKind = InputKind {
    what: "archivo de Terraform",
    max_bytes: 8 * MIB,
    utf16: false,
    lossy: true,
};
pub const TFVARS: InputKind = InputKind {
    what: "archivo de variables",
    max_bytes: 8 * MIB,
    utf16: false,
    lossy: true,
};
/// `terraform show -json` of a plan or a state: a few MiB for a course's
/// deployment, hundreds for a large account.
pub const PLAN: InputKind = InputKind {
    what: "plan JSON",
    max_bytes: 256 * MIB,
    utf16: true,
    lossy: false,
};
pub const SNAPSHOT: InputKind = InputKind {
    what: "snapshot",
    max_bytes: 256 * MIB,
    utf16: true,
    lossy: false,
};
pub const REPORT: InputKind = InputKind {
    what: "informe",
    max_bytes: 64 * MIB,
    utf16: true,
    lossy: false,
};
pub const FEATURE: InputKind = InputKind {
    what: "archivo .feature",
    max_bytes: MIB,
    utf16: false,
    lossy: false,
};
/// A class list exported from a spreadsheet ("Texto Unicode" is UTF-16).
pub const ROSTER: InputKind = InputKind {
    what: "lista de clase",
    max_bytes: 16 * MIB,
    utf16: true,
    lossy: false,
};
pub const DOCKERFILE: InputKind = InputKind {
    what: "Dockerfile",
    max_bytes: MIB,
    utf16: false,
    lossy: true,
};

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: no se pudo leer: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: no es un archivo sino {found}; indica la ruta de un archivo")]
    NotAFile { path: String, found: &'static str },
    #[error("{path}: ocupa más de {limit}, el máximo para un {what}; ¿es el archivo que querías?")]
    TooLarge {
        path: String,
        what: &'static str,
        limit: String,
    },
    #[error(
        "{path}: está en {encoding} (lo que escribe `>` en Windows PowerShell 5.1); guárdalo en UTF-8: \
         `… | Out-File -Encoding utf8 ARCHIVO` o, en el editor, «Guardar con codificación» UTF-8"
    )]
    Utf16 {
        path: String,
        encoding: &'static str,
    },
    #[error("{path}:{line}: no es texto UTF-8 válido{detail}")]
    NotUtf8 {
        path: String,
        line: usize,
        detail: &'static str,
    },
}

impl InputError {
    /// The file it names, as given.
    pub fn path(&self) -> &str {
        match self {
            InputError::Io { path, .. }
            | InputError::NotAFile { path, .. }
            | InputError::TooLarge { path, .. }
            | InputError::Utf16 { path, .. }
            | InputError::NotUtf8 { path, .. } => path,
        }
    }
}

/// The bytes of `path`, at most `kind.max_bytes` of them.
pub fn read_bytes(path: &Path, kind: &InputKind) -> Result<Vec<u8>, InputError> {
    read_bytes_as(path, &path.display().to_string(), kind)
}

/// [`read_bytes`], naming the file `shown` in errors (a path relative to the
/// folder the user gave, say).
pub fn read_bytes_as(path: &Path, shown: &str, kind: &InputKind) -> Result<Vec<u8>, InputError> {
    let shown = || shown.to_string();
    let io = |source| InputError::Io {
        path: shown(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let ft = meta.file_type();
    // A pipe is read too (`--plan <(terraform show -json plan)`): the cap
    // below bounds it. A device (`/dev/zero`, `/dev/urandom`) never ends.
    if !ft.is_file() && !is_fifo(&ft) {
        return Err(InputError::NotAFile {
            path: shown(),
            found: if ft.is_dir() {
                "una carpeta"
            } else {
                "un dispositivo u otro archivo especial"
            },
        });
    }
    let too_large = || InputError::TooLarge {
        path: shown(),
        what: kind.what,
        limit: human(kind.max_bytes),
    };
    if ft.is_file() && meta.len() > kind.max_bytes {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::with_capacity(if ft.is_file() { meta.len() as usize } else { 0 });
    // One byte past the cap tells "exactly at the cap" from "larger" (a
    // file may grow between the metadata and the read).
    file.take(kind.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > kind.max_bytes {
        return Err(too_large());
    }
    Ok(bytes)
}

/// The text of `path`, decoded for its kind, without a byte order mark.
pub fn read_text(path: &Path, kind: &InputKind) -> Result<String, InputError> {
    read_text_as(path, &path.display().to_string(), kind)
}

/// [`read_text`], naming the file `shown` in errors.
pub fn read_text_as(path: &Path, shown: &str, kind: &InputKind) -> Result<String, InputError> {
    let bytes = read_bytes_as(path, shown, kind)?;
    decode(bytes, shown, kind)
}

/// Text from bytes: a UTF-8 BOM dropped, UTF-16 with a BOM decoded or
/// named (as `kind` says), UTF-16 without one named.
pub fn decode(bytes: Vec<u8>, path: &str, kind: &InputKind) -> Result<String, InputError> {
    let utf16 = |encoding| InputError::Utf16 {
        path: path.to_string(),
        encoding,
    };
    let bad_utf16 = |line| InputError::NotUtf8 {
        path: path.to_string(),
        line,
        detail: " (UTF-16 mal formado: un carácter a medias)",
    };
    match bytes.as_slice() {
        [0xEF, 0xBB, 0xBF, rest @ ..] => return utf8(rest.to_vec(), path, kind),
        [0xFF, 0xFE, rest @ ..] if kind.utf16 => {
            return from_utf16(rest, u16::from_le_bytes).map_err(bad_utf16);
        }
        [0xFE, 0xFF, rest @ ..] if kind.utf16 => {
            return from_utf16(rest, u16::from_be_bytes).map_err(bad_utf16);
        }
        [0xFF, 0xFE, ..] => return Err(utf16("UTF-16 LE")),
        [0xFE, 0xFF, ..] => return Err(utf16("UTF-16 BE")),
        // UTF-16 without a BOM: ASCII text with every other byte zero. Not
        // decoded (a guess), but named.
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => return Err(utf16("UTF-16 LE sin BOM")),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => return Err(utf16("UTF-16 BE sin BOM")),
        _ => {}
    }
    utf8(bytes, path, kind)
}

fn utf8(bytes: Vec<u8>, path: &str, kind: &InputKind) -> Result<String, InputError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) if kind.lossy => Ok(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(InputError::NotUtf8 {
                path: path.to_string(),
                line,
                detail: " (¿Latin-1 o Windows-1252? guárdalo en UTF-8)",
            })
        }
    }
}

/// UTF-16 text after its BOM; on a malformed unit, the line it is on.
fn from_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, usize> {
    let units = bytes.chunks(2).map(|c| match c {
        [a, b] => unit([*a, *b]),
        // An odd trailing byte is half a character.
        _ => 0xD800,
    });
    let mut out = String::with_capacity(bytes.len() / 2);
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => out.push(c),
            Err(_) => return Err(out.matches('\n').count() + 1),
        }
    }
    Ok(out)
}

#[cfg(unix)]
fn is_fifo(ft: &std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    ft.is_fifo()
}

#[cfg(not(unix))]
fn is_fifo(_: &std::fs::FileType) -> bool {
    false
}

/// `8 MiB`, `1 MiB`, `512 KiB`: limits as the README states them.
fn human(bytes: u64) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: InputKind = InputKind {
        what: "prueba",
        max_bytes: 16,
        utf16: true,
        lossy: false,
    };

    fn utf16le(s: &str) -> Vec<u8> {
        let mut b = vec![0xFF, 0xFE];
        b.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        b
    }

    #[test]
    fn a_bom_is_dropped_and_utf16_with_one_is_decoded_or_named() {
        let t = decode(b"\xEF\xBB\xBF{}".to_vec(), "p.json", &PLAN).unwrap();
        assert_eq!(t, "{}");
        assert_eq!(
            decode(utf16le("{\"a\": \"ñ\"}"), "p.json", &PLAN).unwrap(),
            "{\"a\": \"ñ\"}"
        );
        let mut be = vec![0xFE, 0xFF];
        be.extend("{}".encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(decode(be, "p.json", &PLAN).unwrap(), "{}");
        let e = decode(utf16le("x = 1"), "main.tf", &TERRAFORM)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("main.tf: está en UTF-16 LE") && e.contains("Out-File -Encoding utf8"),
            "{e}"
        );
        let no_bom: Vec<u8> = "{}".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let e = decode(no_bom, "p.json", &PLAN).unwrap_err().to_string();
        assert!(e.contains("UTF-16 LE sin BOM"), "{e}");
    }

    #[test]
    fn malformed_text_names_its_line() {
        let mut half = utf16le("a\nb\n");
        half.extend([0x00, 0xD8]); // a lone high surrogate
        let e = decode(half, "p.json", &PLAN).unwrap_err().to_string();
        assert!(
            e.starts_with("p.json:3: no es texto UTF-8 válido (UTF-16 mal formado"),
            "{e}"
        );
        let e = decode(b"{\n\"a\": \"\xE9\"}".to_vec(), "p.json", &PLAN)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("p.json:2: no es texto UTF-8 válido (¿Latin-1"),
            "{e}"
        );
        // A .tf keeps today's leniency for a stray Latin-1 byte.
        assert_eq!(
            decode(b"# \xE9\n".to_vec(), "m.tf", &TERRAFORM).unwrap(),
            "# \u{fffd}\n"
        );
    }

    #[test]
    fn size_is_capped_and_devices_are_refused() {
        let dir = std::env::temp_dir().join(format!("cloudgrade-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let at_cap = dir.join("at-cap");
        std::fs::write(&at_cap, [b'a'; 16]).unwrap();
        assert_eq!(read_text(&at_cap, &SMALL).unwrap().len(), 16);
        let over = dir.join("over");
        std::fs::write(&over, [b'a'; 17]).unwrap();
        let e = read_text(&over, &SMALL).unwrap_err().to_string();
        assert!(
            e.ends_with(
                "over: ocupa más de 16 bytes, el máximo para un prueba; ¿es el archivo que querías?"
            ),
            "{e}"
        );
        let e = read_text(&dir, &SMALL).unwrap_err().to_string();
        assert!(e.contains("no es un archivo sino una carpeta"), "{e}");
        #[cfg(unix)]
        {
            let e = read_text(Path::new("/dev/zero"), &TERRAFORM)
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with("/dev/zero: no es un archivo sino un dispositivo"),
                "{e}"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(human(8 * MIB), "8 MiB");
        assert_eq!(human(512 * 1024), "512 KiB");
    }
}

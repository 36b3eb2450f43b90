use std::path::PathBuf;

/// Why the container source could not produce an Inventory. Every message
/// is one Spanish line naming what failed; none carries an environment value.
#[derive(Debug, thiserror::Error)]
pub enum ContainerError {
    #[error("Docker no está disponible: {0}")]
    DockerUnavailable(String),
    #[error("Docker: {operation}: {message}")]
    Docker { operation: String, message: String },
    #[error("la imagen {image} no está en este Docker y no se pudo descargar: {message}")]
    ImageMissing { image: String, message: String },
    #[error("«{0}» no es una referencia de imagen válida (nombre[:etiqueta][@sha256:...])")]
    BadImageReference(String),
    #[error("el emulador {image} no respondió en {waited_secs} s: {detail}")]
    EmulatorNotReady {
        image: String,
        waited_secs: u64,
        detail: String,
    },
    #[error(transparent)]
    Dockerfile(#[from] cloudgrade_dockerfile::DockerfileError),
    #[error("{0}")]
    World(String),
    #[error(
        "--terraform: no hay terraform ni tofu en el PATH; instala uno de los dos o corrige con --world"
    )]
    NoTerraform,
    #[error("{path}: {message}")]
    TerraformInput { path: PathBuf, message: String },
    #[error("`{command}` falló en la copia de {dir}: {output}")]
    Terraform {
        command: String,
        dir: PathBuf,
        output: String,
    },
    #[error("construir en el emulador: {0}")]
    Provision(String),
    #[error("lectura del emulador: {0}")]
    Collect(String),
    #[error("interrumpido: se eliminaron los contenedores que había creado")]
    Interrupted,
    #[error("no se pudo iniciar el runtime de tokio: {0}")]
    Runtime(String),
}

/// Which documented exit code an error means (README: 2 bad input, 3 the
/// source could not be read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    BadInput,
    SourceUnreadable,
}

impl ContainerError {
    pub fn class(&self) -> ErrorClass {
        match self {
            ContainerError::BadImageReference(_)
            | ContainerError::Dockerfile(_)
            | ContainerError::World(_)
            | ContainerError::TerraformInput { .. } => ErrorClass::BadInput,
            _ => ErrorClass::SourceUnreadable,
        }
    }

    pub(crate) fn docker(operation: &str, err: impl std::fmt::Display) -> Self {
        ContainerError::Docker {
            operation: operation.to_string(),
            message: one_line(&err.to_string()),
        }
    }
}

/// Docker's and bollard's errors span lines; the CLI prints one.
pub(crate) fn one_line(s: &str) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() > 300 {
        let cut: String = joined.chars().take(300).collect();
        format!("{cut}…")
    } else {
        joined
    }
}

/// Why a directory could not be read as Terraform at all. Anything less
/// (a construct this crate does not evaluate, a value known only after
/// apply) is not an error: it becomes a gap or an unknown in the Inventory.
#[derive(Debug, thiserror::Error)]
pub enum TerraformError {
    #[error("{dir}: no hay ningún fichero .tf en el directorio")]
    NoTerraform { dir: String },
    /// `message` says what the parser expected at that point.
    #[error("{file}:{line}:{col}: error de sintaxis: {message}")]
    Syntax {
        file: String,
        line: usize,
        col: usize,
        message: String,
    },
    /// Too large, not a regular file, or in an encoding Terraform refuses.
    #[error(transparent)]
    Input(cloudgrade_model::input::InputError),
    #[error("{path}: no se pudo leer: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// Well-formed HCL that is not a valid Terraform configuration (a
    /// `resource` block without its two labels, a `-var` that names no value).
    #[error("{file}:{line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
    /// A plan or state file that is not valid JSON.
    #[error("{file}:{line}:{col}: JSON mal formado: {message}")]
    Json {
        file: String,
        line: usize,
        col: usize,
        message: String,
    },
    /// Valid JSON that is not what `terraform show -json` writes.
    #[error("{file}: no es un plan ni un estado de `terraform show -json`: {message}")]
    NotPlan { file: String, message: String },
}

impl From<cloudgrade_model::input::InputError> for TerraformError {
    /// A file that exists but cannot be opened stays `Io` (the folder is
    /// unreadable, exit 3); anything about the file itself is input (exit 2).
    fn from(e: cloudgrade_model::input::InputError) -> Self {
        match e {
            cloudgrade_model::input::InputError::Io { path, source } => {
                TerraformError::Io { path, source }
            }
            e => TerraformError::Input(e),
        }
    }
}

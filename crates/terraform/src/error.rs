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

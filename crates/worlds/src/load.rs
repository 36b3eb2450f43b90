//! From `world.toml` files to one merged table, then to typed sections.
//!
//! `extends = "base"` names a sibling world directory; `remove` deletes
//! paths from the base before the overlay merges onto it, so a broken world
//! can drop a route or re-declare a rule whole. Tables merge key by key,
//! everything else (scalars, arrays) replaces.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use toml::{Table, Value};

use super::{World, WorldError, key_path};

/// Bases deeper than this are a mistake, not a design.
const MAX_DEPTH: usize = 8;

/// Parses a TOML file, reporting a syntax error as `file:line:col`.
pub(super) fn read_table(file: &Path) -> Result<Table, WorldError> {
    read_typed(file)
}

/// Parses a TOML file straight into `T`: any error, of syntax or of shape,
/// comes as `file:line:col`.
pub(super) fn read_typed<T: DeserializeOwned>(file: &Path) -> Result<T, WorldError> {
    let text = std::fs::read_to_string(file).map_err(|source| WorldError::Read {
        file: file.to_path_buf(),
        source,
    })?;
    toml::from_str::<T>(&text).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(&text, s.start)).unwrap_or((1, 1));
        WorldError::Syntax {
            file: file.to_path_buf(),
            line,
            column,
            message: e.message().to_string(),
        }
    })
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The name of the world `file`'s table extends, taken out of the table.
pub(super) fn take_extends(file: &Path, table: &mut Table) -> Result<Option<String>, WorldError> {
    match table.remove("extends") {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(invalid(
            file,
            "extends",
            format!(
                "debe ser el nombre de otro mundo (texto), no {}",
                other.type_str()
            ),
        )),
    }
}

/// Worlds live side by side in scenarios/: a base is a sibling directory.
pub(super) fn sibling(dir: &Path, name: &str) -> PathBuf {
    dir.parent().unwrap_or(Path::new(".")).join(name)
}

/// The world's table with its bases merged in and its removals applied.
pub(super) fn resolved_table(dir: &Path) -> Result<Table, WorldError> {
    resolve(dir, &mut Vec::new())
}

fn resolve(dir: &Path, chain: &mut Vec<PathBuf>) -> Result<Table, WorldError> {
    let file = dir.join("world.toml");
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    if chain.contains(&canonical) || chain.len() > MAX_DEPTH {
        return Err(WorldError::Extends {
            file,
            message: format!(
                "«extends» forma un ciclo: {}",
                chain
                    .iter()
                    .chain(std::iter::once(&canonical))
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" -> ")
            ),
        });
    }
    chain.push(canonical);
    let mut table = read_table(&file)?;
    let extends = take_extends(&file, &mut table)?;
    let removals = removals(&file, table.remove("remove"))?;
    let Some(base_name) = extends else {
        if !removals.is_empty() {
            return Err(invalid(
                &file,
                "remove",
                "solo tiene sentido con «extends»: no hay base de la que quitar nada".into(),
            ));
        }
        return Ok(table);
    };
    let base_dir = sibling(dir, &base_name);
    if !base_dir.join("world.toml").is_file() {
        return Err(invalid(
            &file,
            "extends",
            format!(
                "no existe el mundo base «{base_name}» ({} no existe)",
                base_dir.join("world.toml").display()
            ),
        ));
    }
    let mut base = resolve(&base_dir, chain)?;
    for path in &removals {
        remove_path(&mut base, path)
            .map_err(|m| invalid(&file, &format!("remove {}", shown(path)), m))?;
    }
    merge(&mut base, table);
    Ok(base)
}

fn shown(path: &[String]) -> String {
    key_path(&path.iter().map(String::as_str).collect::<Vec<_>>())
}

fn removals(file: &Path, v: Option<Value>) -> Result<Vec<Vec<String>>, WorldError> {
    let Some(v) = v else {
        return Ok(Vec::new());
    };
    let usage = "debe ser una lista de rutas, cada una una lista de claves, p. ej. [[\"route_tables\", \"private_a\", \"routes\", \"0.0.0.0/0\"]]";
    let Value::Array(items) = v else {
        return Err(invalid(file, "remove", usage.into()));
    };
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let path: Option<Vec<String>> = match item {
            Value::Array(keys) => keys
                .into_iter()
                .map(|k| match k {
                    Value::String(s) => Some(s),
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        match path {
            Some(p) if !p.is_empty() => out.push(p),
            _ => return Err(invalid(file, &format!("remove[{i}]"), usage.into())),
        }
    }
    Ok(out)
}

fn remove_path(table: &mut Table, path: &[String]) -> Result<(), String> {
    let (last, parents) = path
        .split_last()
        .ok_or_else(|| "la ruta está vacía".to_string())?;
    let mut at = table;
    for (i, key) in parents.iter().enumerate() {
        at = match at.get_mut(key) {
            Some(Value::Table(t)) => t,
            Some(_) => {
                return Err(format!(
                    "{} no es una tabla en el mundo base",
                    shown(&path[..=i])
                ));
            }
            None => return Err(format!("{} no existe en el mundo base", shown(&path[..=i]))),
        };
    }
    match at.remove(last) {
        Some(_) => Ok(()),
        None => Err(format!("{} no existe en el mundo base", shown(path))),
    }
}

/// Tables merge recursively; any other value in the overlay replaces.
pub(super) fn merge(base: &mut Table, overlay: Table) {
    for (k, v) in overlay {
        match (base.get_mut(&k), v) {
            (Some(Value::Table(b)), Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn invalid(file: &Path, path: &str, message: String) -> WorldError {
    WorldError::Invalid {
        file: file.to_path_buf(),
        path: path.to_string(),
        message,
    }
}

/// The typed world, section by section, so an error names the entry at fault.
pub(super) fn sections(mut t: Table, file: &Path) -> Result<World, WorldError> {
    let vpc = match t.remove("vpc") {
        Some(v) => typed(v, file, "vpc")?,
        None => return Err(invalid(file, "vpc", "falta la sección [vpc]".into())),
    };
    let world = World {
        vpc,
        subnets: map(&mut t, file, "subnets")?,
        internet_gateways: map(&mut t, file, "internet_gateways")?,
        nat_gateways: map(&mut t, file, "nat_gateways")?,
        route_tables: map(&mut t, file, "route_tables")?,
        security_groups: map(&mut t, file, "security_groups")?,
        network_acls: map(&mut t, file, "network_acls")?,
        db_subnet_groups: map(&mut t, file, "db_subnet_groups")?,
        db_instances: map(&mut t, file, "db_instances")?,
        ecs_clusters: map(&mut t, file, "ecs_clusters")?,
        task_definitions: map(&mut t, file, "task_definitions")?,
        ecs_services: map(&mut t, file, "ecs_services")?,
        secrets: map(&mut t, file, "secrets")?,
        iam_roles: map(&mut t, file, "iam_roles")?,
        log_groups: map(&mut t, file, "log_groups")?,
        flow_logs: map(&mut t, file, "flow_logs")?,
        load_balancers: map(&mut t, file, "load_balancers")?,
        target_groups: map(&mut t, file, "target_groups")?,
        listeners: map(&mut t, file, "listeners")?,
        db_parameter_groups: map(&mut t, file, "db_parameter_groups")?,
        ..World::default()
    };
    if let Some(key) = t.keys().next() {
        return Err(invalid(
            file,
            &key_path(&[key]),
            "sección desconocida (se esperan vpc, subnets, internet_gateways, nat_gateways, route_tables, security_groups, network_acls, db_subnet_groups, db_instances, ecs_clusters, task_definitions, ecs_services, secrets, iam_roles, log_groups, flow_logs, load_balancers, target_groups, listeners, db_parameter_groups, extends, remove)".into(),
        ));
    }
    Ok(world)
}

fn map<T: DeserializeOwned>(
    t: &mut Table,
    file: &Path,
    section: &str,
) -> Result<BTreeMap<String, T>, WorldError> {
    let Some(v) = t.remove(section) else {
        return Ok(BTreeMap::new());
    };
    let Value::Table(entries) = v else {
        return Err(invalid(
            file,
            section,
            format!(
                "debe ser una tabla de entradas con nombre lógico ([{section}.<nombre>]), no {}",
                v.type_str()
            ),
        ));
    };
    entries
        .into_iter()
        .map(|(name, v)| {
            let item = typed(v, file, &key_path(&[section, &name]))?;
            Ok((name, item))
        })
        .collect()
}

fn typed<T: DeserializeOwned>(v: Value, file: &Path, path: &str) -> Result<T, WorldError> {
    T::deserialize(v).map_err(|e| invalid(file, path, e.message().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(s: &str) -> Table {
        s.parse().unwrap()
    }

    #[test]
    fn merge_recurses_into_tables_and_replaces_the_rest() {
        let mut base = table(
            "[a]\nx = 1\nlist = [1, 2]\n[a.inner]\nkeep = true\nchange = \"old\"\n[b]\ny = 2\n",
        );
        merge(
            &mut base,
            table("[a]\nlist = [3]\n[a.inner]\nchange = \"new\"\nadded = 1\n"),
        );
        let a = base["a"].as_table().unwrap();
        assert_eq!(a["x"].as_integer(), Some(1));
        assert_eq!(a["list"].as_array().unwrap().len(), 1);
        let inner = a["inner"].as_table().unwrap();
        assert_eq!(inner["keep"].as_bool(), Some(true));
        assert_eq!(inner["change"].as_str(), Some("new"));
        assert_eq!(inner["added"].as_integer(), Some(1));
        assert_eq!(base["b"]["y"].as_integer(), Some(2));
    }

    #[test]
    fn remove_path_deletes_keys_with_dots_and_reports_missing_ones() {
        let mut t =
            table("[rt.private.routes]\n\"0.0.0.0/0\" = \"nat:a\"\n\"10.1.0.0/16\" = \"igw:x\"\n");
        let p = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        remove_path(&mut t, &p(&["rt", "private", "routes", "0.0.0.0/0"])).unwrap();
        let routes = t["rt"]["private"]["routes"].as_table().unwrap();
        assert!(!routes.contains_key("0.0.0.0/0"));
        assert!(routes.contains_key("10.1.0.0/16"));
        let e = remove_path(&mut t, &p(&["rt", "private", "routes", "0.0.0.0/0"])).unwrap_err();
        assert_eq!(
            e,
            "rt.private.routes.\"0.0.0.0/0\" no existe en el mundo base"
        );
        let e = remove_path(&mut t, &p(&["rt", "nope", "x"])).unwrap_err();
        assert_eq!(e, "rt.nope no existe en el mundo base");
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd\nef", 0), (1, 1));
        assert_eq!(line_col("ab\ncd\nef", 4), (2, 2));
        assert_eq!(line_col("ab\ncd\nef", 6), (3, 1));
    }
}

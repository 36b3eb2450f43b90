//! `${...}` in a world's strings (environment values, `secrets` ARNs, IAM
//! policy documents): what only exists once the world is built, such as a
//! secret's ARN with the random suffix AWS gives it.

/// What a placeholder stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ref {
    /// `${region}`
    Region,
    /// `${account}`
    Account,
    /// `${secret.<name>}`: the secret's ARN.
    SecretArn(String),
    /// `${role.<name>}`: the role's ARN.
    RoleArn(String),
    /// `${db.<name>.address}`: the instance's endpoint host name.
    DbAddress(String),
    /// `${db.<name>.port}`
    DbPort(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Ref(Ref),
}

/// Splits `s` into text and placeholders, or says which one is malformed.
pub fn parse(s: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        if start > 0 {
            out.push(Piece::Text(&rest[..start]));
        }
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("«${{» sin cerrar en «{s}»"))?;
        out.push(Piece::Ref(reference(&after[..end])?));
        rest = &after[end + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Ok(out)
}

fn reference(inner: &str) -> Result<Ref, String> {
    let parts: Vec<&str> = inner.split('.').collect();
    let named = |p: &str| !p.is_empty();
    match parts.as_slice() {
        ["region"] => Ok(Ref::Region),
        ["account"] => Ok(Ref::Account),
        ["secret", n] if named(n) => Ok(Ref::SecretArn((*n).into())),
        ["role", n] if named(n) => Ok(Ref::RoleArn((*n).into())),
        ["db", n, "address"] if named(n) => Ok(Ref::DbAddress((*n).into())),
        ["db", n, "port"] if named(n) => Ok(Ref::DbPort((*n).into())),
        _ => Err(format!(
            "marcador desconocido «${{{inner}}}» (se admiten ${{region}}, ${{account}}, ${{secret.<nombre>}}, ${{role.<nombre>}}, ${{db.<nombre>.address}}, ${{db.<nombre>.port}})"
        )),
    }
}

/// `s` with every placeholder replaced by what `value` returns for it.
pub fn substitute<E>(
    s: &str,
    mut value: impl FnMut(&Ref) -> Result<String, E>,
    malformed: impl FnOnce(String) -> E,
) -> Result<String, E> {
    let pieces = parse(s).map_err(malformed)?;
    let mut out = String::with_capacity(s.len());
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Ref(r) => out.push_str(&value(&r)?),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_references_are_split() {
        let p = parse("arn:aws:secretsmanager:${region}:${account}:secret:x").unwrap();
        assert_eq!(
            p,
            vec![
                Piece::Text("arn:aws:secretsmanager:"),
                Piece::Ref(Ref::Region),
                Piece::Text(":"),
                Piece::Ref(Ref::Account),
                Piece::Text(":secret:x"),
            ]
        );
        assert_eq!(
            parse("${db.app.address}").unwrap(),
            vec![Piece::Ref(Ref::DbAddress("app".into()))]
        );
        assert_eq!(parse("plain").unwrap(), vec![Piece::Text("plain")]);
    }

    #[test]
    fn malformed_placeholders_are_named() {
        assert!(parse("x ${secret.db").unwrap_err().contains("sin cerrar"));
        assert!(
            parse("${secrets.db}")
                .unwrap_err()
                .contains("${secrets.db}")
        );
        assert!(parse("${db.app}").is_err());
        assert!(parse("${secret.}").is_err());
    }

    #[test]
    fn substitute_replaces_every_reference() {
        let s = substitute(
            "${secret.db}|${region}",
            |r| {
                Ok::<_, String>(match r {
                    Ref::SecretArn(n) => format!("arn:{n}"),
                    _ => "eu-west-1".into(),
                })
            },
            |e| e,
        )
        .unwrap();
        assert_eq!(s, "arn:db|eu-west-1");
    }
}

//! A successful answer must be a whole document before it is believed.
//!
//! The SDK's readers are lenient where a grader cannot be: its XML reader
//! (EC2, RDS, IAM, STS and ELBv2 speak the query protocols) returns whatever it parsed
//! from a body cut short, so a `DescribeNetworkAcls` cut at half its length
//! reads as fewer ACLs, or one with no entries; its JSON reader takes an empty
//! body as `{}`, so an empty `ecs:ListClusters` reads as "no clusters". Both
//! are correctly framed answers (the Content-Length matches what came), so
//! nothing below the SDK notices. This interceptor looks at every 2xx body
//! once the SDK has read it and fails the attempt when it is not a complete
//! XML or JSON document; the failure then becomes a gap like any other
//! failed read (see `collect::errors`), never data.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Which document a service answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
}

impl Format {
    /// The query protocols (EC2's and awsQuery) answer in XML; the others
    /// this source reads (ECS, Secrets Manager, CloudWatch Logs) in JSON.
    fn of_service(sdk_service: &str) -> Format {
        match sdk_service {
            "EC2" | "RDS" | "IAM" | "STS" | "Elastic Load Balancing v2" => Format::Xml,
            _ => Format::Json,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Xml => "XML",
            Format::Json => "JSON",
        }
    }
}

/// A 2xx answer that is not a whole document. Its text is one Spanish line.
#[derive(Debug, thiserror::Error)]
#[error("la respuesta (HTTP {status}, {len} bytes) no es un documento {} completo: {why}", .format.name())]
pub struct IncompleteDocument {
    pub status: u16,
    pub len: usize,
    pub format: Format,
    pub why: String,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct CompleteDocument;

impl Intercept for CompleteDocument {
    fn name(&self) -> &'static str {
        "cloudgrade.CompleteDocument"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response();
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            // Error answers are the error classifier's to read.
            return Ok(());
        }
        // Non-streaming bodies are in memory by now; a streaming one (none
        // of the operations this source calls) is not ours to judge.
        let Some(body) = response.body().bytes() else {
            return Ok(());
        };
        let format = cfg
            .load::<Metadata>()
            .map(|m| Format::of_service(m.service()))
            .unwrap_or(Format::Json);
        check(body, format).map_err(|why| {
            BoxError::from(IncompleteDocument {
                status,
                len: body.len(),
                format,
                why,
            })
        })
    }
}

/// `Ok` when `body` is one whole document of `format`, else why not.
pub fn check(body: &[u8], format: Format) -> Result<(), String> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err("el cuerpo está vacío".into());
    }
    match format {
        Format::Json => serde_json::from_slice::<serde::de::IgnoredAny>(body)
            .map(|_| ())
            .map_err(|e| format!("{e}")),
        Format::Xml => xml_complete(body),
    }
}

/// Whether an XML body is one element that opens and closes, with nothing
/// but comments, processing instructions and blanks around it. Not a
/// validating parser: it balances tags (skipping comments, CDATA, DOCTYPE,
/// and `>` inside quoted attribute values), which is what a cut body breaks.
fn xml_complete(b: &[u8]) -> Result<(), String> {
    let mut stack: Vec<&[u8]> = Vec::new();
    let mut root_closed = false;
    let mut i = 0;
    let find = |from: usize, pat: &[u8]| -> Option<usize> {
        b[from..]
            .windows(pat.len())
            .position(|w| w == pat)
            .map(|p| from + p)
    };
    let cut = |what: &str| format!("termina a mitad de {what}");
    while i < b.len() {
        if b[i] != b'<' {
            if stack.is_empty() && !b[i].is_ascii_whitespace() {
                return Err(if root_closed {
                    "hay texto tras el elemento raíz".into()
                } else {
                    "hay texto fuera de todo elemento".into()
                });
            }
            i += 1;
            continue;
        }
        let rest = &b[i..];
        if rest.starts_with(b"<?") {
            i = find(i + 2, b"?>").ok_or_else(|| cut("una instrucción <?…?>"))? + 2;
        } else if rest.starts_with(b"<!--") {
            i = find(i + 4, b"-->").ok_or_else(|| cut("un comentario"))? + 3;
        } else if rest.starts_with(b"<![CDATA[") {
            i = find(i + 9, b"]]>").ok_or_else(|| cut("una sección CDATA"))? + 3;
        } else if rest.starts_with(b"<!") {
            i = find(i + 2, b">").ok_or_else(|| cut("una declaración <!…>"))? + 1;
        } else if rest.starts_with(b"</") {
            let end = find(i + 2, b">").ok_or_else(|| cut("una etiqueta de cierre"))?;
            let name = b[i + 2..end].trim_ascii();
            match stack.pop() {
                Some(open) if open == name => {}
                Some(open) => {
                    return Err(format!(
                        "</{}> cierra <{}>",
                        String::from_utf8_lossy(name),
                        String::from_utf8_lossy(open)
                    ));
                }
                None => return Err("cierra un elemento que no abrió".into()),
            }
            root_closed |= stack.is_empty();
            i = end + 1;
        } else {
            if root_closed {
                return Err("hay un segundo elemento raíz".into());
            }
            // The start tag ends at the first `>` outside quotes.
            let mut j = i + 1;
            let mut quote = None;
            while j < b.len() {
                match (quote, b[j]) {
                    (None, b'"' | b'\'') => quote = Some(b[j]),
                    (Some(q), c) if c == q => quote = None,
                    (None, b'>') => break,
                    _ => {}
                }
                j += 1;
            }
            if j >= b.len() {
                return Err(cut("una etiqueta"));
            }
            let inner = &b[i + 1..j];
            let self_closing = inner.ends_with(b"/");
            let name_end = inner
                .iter()
                .position(|c| c.is_ascii_whitespace() || *c == b'/')
                .unwrap_or(inner.len());
            let name = &inner[..name_end];
            if name.is_empty() {
                return Err("una etiqueta sin nombre".into());
            }
            if self_closing {
                root_closed |= stack.is_empty();
            } else {
                stack.push(name);
            }
            i = j + 1;
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "se corta con {} elementos sin cerrar (el último, <{}>)",
            stack.len(),
            String::from_utf8_lossy(open)
        ));
    }
    if !root_closed {
        return Err("no tiene ningún elemento".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACLS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<DescribeNetworkAclsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
  <networkAclSet>
    <item>
      <networkAclId>acl-5566953c</networkAclId>
      <vpcId>vpc-5266953b</vpcId>
      <default>true</default>
      <entrySet>
        <item><ruleNumber>100</ruleNumber><protocol>-1</protocol><ruleAction>allow</ruleAction><egress>true</egress><cidrBlock>0.0.0.0/0</cidrBlock></item>
        <item><ruleNumber>32767</ruleNumber><protocol>-1</protocol><ruleAction>deny</ruleAction><egress>true</egress><cidrBlock>0.0.0.0/0</cidrBlock></item>
      </entrySet>
      <associationSet/>
      <tagSet><!-- none --></tagSet>
      <description><![CDATA[a <b> "quoted" </c> text]]></description>
      <attr value="a > b" other='c'>x</attr>
    </item>
  </networkAclSet>
</DescribeNetworkAclsResponse>
"#;

    #[test]
    fn a_whole_xml_document_passes_and_every_cut_of_it_fails() {
        check(ACLS.as_bytes(), Format::Xml).unwrap();
        let end = ACLS.trim_end().len();
        // Every proper prefix, not only a few fractions: the cut can land
        // anywhere, inside a tag, a comment, a CDATA or an attribute.
        for n in 0..end {
            let r = check(&ACLS.as_bytes()[..n], Format::Xml);
            assert!(r.is_err(), "accepted a cut at {n}/{end}");
        }
    }

    #[test]
    fn xml_that_is_not_one_balanced_element_fails() {
        for bad in [
            "<a><b></a></b>",
            "<a></a><b></b>",
            "<a></a>tail",
            "garbage",
            "</a>",
            "<>",
        ] {
            assert!(check(bad.as_bytes(), Format::Xml).is_err(), "{bad}");
        }
        check(b"\xEF\xBB\xBF<a/>\n<!-- end -->\n", Format::Xml).unwrap();
    }

    #[test]
    fn json_must_be_one_whole_value() {
        check(br#"{"clusterArns": []}"#, Format::Json).unwrap();
        for bad in ["", "  \n", r#"{"clusterArns": ["#, r#"{"a":1}{"#, "\u{80}"] {
            assert!(check(bad.as_bytes(), Format::Json).is_err(), "{bad:?}");
        }
        let e = check(b"", Format::Json).unwrap_err();
        assert_eq!(e, "el cuerpo está vacío");
    }

    #[test]
    fn the_error_names_the_format_and_the_size() {
        let e = IncompleteDocument {
            status: 200,
            len: 512,
            format: Format::Xml,
            why: check(&ACLS.as_bytes()[..512], Format::Xml).unwrap_err(),
        };
        let text = e.to_string();
        assert!(
            text.starts_with(
                "la respuesta (HTTP 200, 512 bytes) no es un documento XML completo: "
            ) && text.ends_with(&e.why),
            "{text}"
        );
    }
}

//! What cannot be read at all: a directory without Terraform, syntax errors
//! (file, line, column and what was expected), invalid structure. And the
//! fuzz entry point, which must never panic.

mod common;

use std::path::Path;

use cloudgrade_terraform::{Options, TerraformError, load_dir, parse_str_for_fuzz};

#[test]
fn a_directory_without_tf_files() {
    let dir = common::write(&[("README.md", "nada")]);
    match load_dir(dir.path(), &Options::default()) {
        Err(e @ TerraformError::NoTerraform { .. }) => {
            assert!(e.to_string().contains("no hay ningún fichero .tf"))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        load_dir(&dir.path().join("missing"), &Options::default()),
        Err(TerraformError::NoTerraform { .. })
    ));
}

#[test]
fn syntax_errors_name_file_line_column_and_expectation() {
    let dir = common::write(&[
        (
            "a.tf",
            "resource \"aws_vpc\" \"ok\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
        ),
        (
            "b.tf",
            "resource \"aws_subnet\" \"s\" {\n  vpc_id = aws_vpc.ok.id\n  cidr_block = [\"10.0.1.0/24\"\n}\n",
        ),
    ]);
    match load_dir(dir.path(), &Options::default()) {
        Err(TerraformError::Syntax {
            file,
            line,
            col,
            message,
        }) => {
            assert_eq!(file, "b.tf");
            assert_eq!((line, col), (4, 1));
            assert!(message.contains("expected"), "{message}");
            assert!(
                message.contains("`]`") || message.contains("]"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn syntax_errors_in_tfvars_and_modules_too() {
    let dir = common::write(&[
        ("main.tf", "variable \"x\" {}\n"),
        ("terraform.tfvars", "x = \n"),
    ]);
    match load_dir(dir.path(), &Options::default()) {
        Err(TerraformError::Syntax { file, line, .. }) => {
            assert_eq!((file.as_str(), line), ("terraform.tfvars", 1))
        }
        other => panic!("{other:?}"),
    }
    let dir = common::write(&[
        ("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n"),
        ("m/main.tf", "resource {\n"),
    ]);
    match load_dir(dir.path(), &Options::default()) {
        Err(TerraformError::Syntax { file, .. }) => assert_eq!(file, "m/main.tf"),
        other => panic!("{other:?}"),
    }
}

/// Inputs the fuzzer found to take seconds each: hcl-edit backtracks once
/// per operand nested in an operand, so they are refused before parsing. Any
/// file added to the folder must answer with a located error or parse.
#[test]
fn slow_fuzz_inputs_answer_with_a_located_error() {
    let known = [
        (
            "slow-unit-08c8f9dd0aab1248df40271aa6090d668b7d7a9d",
            (4, 14),
        ),
        (
            "slow-unit-c17f6bb7887a887d7ac8fcc3c38c00e1f838b05c",
            (2, 43),
        ),
        (
            "slow-unit-cefc5c4f7b6557b331fb6bb6de02e404dd1bf045",
            (4, 14),
        ),
    ];
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/hcl-slow");
    let mut seen = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read(&path).unwrap();
        let dir = common::write(&[("main.tf", &String::from_utf8_lossy(&text))]);
        match load_dir(dir.path(), &Options::default()) {
            Ok(_) => {}
            Err(e @ TerraformError::Syntax { .. }) => {
                let TerraformError::Syntax {
                    line, col, message, ..
                } = &e
                else {
                    unreachable!()
                };
                assert!(*line >= 1 && *col >= 1, "{name}: {e}");
                assert!(
                    e.to_string()
                        .starts_with(&format!("main.tf:{line}:{col}: error de sintaxis: ")),
                    "{name}: {e}"
                );
                if let Some((_, at)) = known.iter().find(|(n, _)| *n == name) {
                    seen += 1;
                    assert_eq!((*line, *col), *at, "{name}: {e}");
                    assert!(message.contains("dentro de operaciones"), "{name}: {e}");
                }
            }
            Err(other) => panic!("{name}: {other:?}"),
        }
    }
    assert_eq!(seen, known.len());
}

#[test]
fn deep_but_valid_nesting_still_parses() {
    let objects = format!(
        "locals {{\n  deep = {}\"x\"{}\n}}\n",
        "{ a = ".repeat(20),
        " }".repeat(20)
    );
    parse_str_for_fuzz(&objects).expect("20 nested objects parse");
    let nested = |n: usize| format!("1 - {}1{}", "(1 - ".repeat(n), ")".repeat(n));
    let tags = common::tags(
        &[
            ("Arith", &format!("tostring({})", nested(5))),
            (
                "Deep",
                &format!("{}\"x\"{}", "[".repeat(20), "][0]".repeat(20)),
            ),
        ],
        "",
    );
    assert_eq!(tags.get("Arith").map(String::as_str), Some("1"));
    assert_eq!(tags.get("Deep").map(String::as_str), Some("x"));
    // Brackets inside strings, heredocs and comments are text, not nesting.
    let text = format!(
        "locals {{\n  a = \"{0}\"\n  b = <<EOT\n{0}\nEOT\n  # {0}\n}}\n",
        "({[".repeat(100)
    );
    parse_str_for_fuzz(&text).expect("brackets in text do not nest");
}

#[test]
fn an_object_left_open_is_named_where_it_opens() {
    let text = "locals {\n  a = 1\n}\nx = {\n  k = 0 - a / !{\n";
    match parse_str_for_fuzz(text) {
        Err(e @ TerraformError::Syntax { .. }) => {
            assert_eq!(
                e.to_string(),
                "fuzz.tf:5:16: error de sintaxis: `{` sin cerrar: falta su `}`"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_resource_without_its_two_labels_is_invalid() {
    let dir = common::write(&[("main.tf", "\n\nresource \"aws_vpc\" {\n}\n")]);
    match load_dir(dir.path(), &Options::default()) {
        Err(TerraformError::Invalid {
            file,
            line,
            message,
        }) => {
            assert_eq!((file.as_str(), line), ("main.tf", 3));
            assert!(message.contains("dos etiquetas"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn fuzz_entry_point_survives_hostile_input() {
    let mut inputs: Vec<String> = vec![
        String::new(),
        "{".into(),
        "resource".into(),
        "resource \"a\" \"b\" { x = ${ }".into(),
        "locals { a = local.a }".into(),
        "locals { a = local.b\n b = local.a }".into(),
        "resource \"aws_vpc\" \"v\" { count = -1 }".into(),
        "resource \"aws_vpc\" \"v\" { count = 1e300 }".into(),
        "resource \"aws_vpc\" \"v\" { for_each = [1, 2] }".into(),
        "resource \"aws_vpc\" \"v\" { cidr_block = cidrsubnet(\"10.0.0.0/8\", 200, 1) }".into(),
        "resource \"aws_vpc\" \"v\" { tags = { a = range(1e9) } }".into(),
        "resource \"aws_vpc\" \"v\" { tags = { a = format(\"%[999]s\", 1) } }".into(),
        "resource \"aws_vpc\" \"v\" { tags = { a = substr(\"x\", 5, 5) } }".into(),
        "resource \"aws_vpc\" \"v\" { tags = { a = 1 / 0 } }".into(),
        "resource \"aws_vpc\" \"v\" { tags = { a = element([], 0) } }".into(),
        "resource \"aws_vpc\" \"v\" { tags = { a = regex(\"(\", \"x\") } }".into(),
        "resource \"aws_vpc\" \"v\" { tags = { a = file(\"/etc/passwd\") } }".into(),
        "resource \"aws_vpc\" \"v\" { tags = { a = aws_vpc.v.id } }".into(),
        "module \"m\" { source = \"../../..\" }".into(),
        "\u{0}\u{1}\u{fffd}".into(),
        "x = <<EOT\nunterminated".into(),
        "resource \"aws_ecs_task_definition\" \"t\" { container_definitions = \"\\u0000\" }".into(),
    ];
    inputs.push(format!(
        "x = {}1{}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    ));
    inputs.push(format!("x = {}", "[".repeat(300)));
    inputs.push(format!("locals {{ a = \"{}\" }}", "${\"".repeat(200)));
    let chain: String = (0..500)
        .map(|i| format!("  l{i} = local.l{}\n", i + 1))
        .collect();
    inputs.push(format!("locals {{\n{chain}  l500 = 1\n}}\nresource \"aws_vpc\" \"v\" {{ tags = {{ a = local.l0 }} }}"));
    // A crude mutation pass over the course example.
    let curso = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/terraform/curso/network.tf"
    ))
    .unwrap();
    let bytes = curso.as_bytes();
    for step in [7usize, 13, 31, 97, 211] {
        for cut in (0..bytes.len()).step_by(step * 11) {
            let mut s = curso[..curso.floor_char_boundary(cut)].to_string();
            s.push_str(&curso[curso.ceil_char_boundary((cut + step).min(bytes.len()))..]);
            inputs.push(s);
        }
    }
    // Exponential growth from a few expressions must stop, not exhaust memory.
    let doubling: String = (0..60)
        .map(|i| format!("  d{} = [local.d{i}, local.d{i}]\n", i + 1))
        .collect();
    inputs.push(format!("locals {{\n  d0 = \"x\"\n{doubling}}}\nresource \"aws_vpc\" \"v\" {{ tags = {{ n = length(flatten(local.d60)) }} }}"));
    // Token soup from a fixed-seed generator.
    let tokens = [
        "resource",
        "\"aws_vpc\"",
        "\"v\"",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        "=",
        "\n",
        "var.x",
        "local.y",
        "count.index",
        "each.value",
        "for",
        "in",
        ":",
        "=>",
        "if",
        "?",
        "...",
        "*",
        ".",
        ",",
        "1",
        "\"s\"",
        "${",
        "%{",
        "~",
        "<<EOT\n",
        "EOT\n",
        "jsonencode(",
        "merge(",
        "try(",
        "dynamic",
        "content",
        "locals",
        "variable",
        "module",
        "data",
        "null",
        "true",
        "-",
        "!",
        "&&",
        "==",
        "[*]",
        "aws_vpc.v.id",
        "cidrsubnet(",
        "format(",
        "\"%s\"",
    ];
    let mut seed: u64 = 0x5eed_cafe;
    for _ in 0..3000 {
        let mut s = String::new();
        let len = (seed >> 33) % 40 + 1;
        for _ in 0..len {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push_str(tokens[((seed >> 33) as usize) % tokens.len()]);
            s.push(' ');
        }
        inputs.push(s);
    }
    for input in &inputs {
        // Any result is fine; a panic fails the test.
        let start = std::time::Instant::now();
        let _ = parse_str_for_fuzz(input);
        if start.elapsed().as_millis() > 200 {
            eprintln!("slow ({:?}): {input:?}", start.elapsed());
        }
    }
    let ok = parse_str_for_fuzz(&curso).expect("the course's network parses");
    // count depends on variables declared elsewhere: one representative
    // instance each, and the variables' own values stay unknown.
    let ids: Vec<&str> = ok.subnets.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        ["aws_subnet.public[0]", "aws_subnet.private[each.key]"]
    );
    assert!(ids.iter().all(|id| ok.is_representative(id)));
    assert!(!ok.gaps.is_empty());
}

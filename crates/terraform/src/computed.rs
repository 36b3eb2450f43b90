//! What a resource's attribute reads as when the configuration does not set
//! it: known only after apply. Ids and ARNs of declared resources read as
//! their address where the Inventory needs a plain string (the static
//! source's ids are addresses); a VPC's implicit main route table, default
//! network ACL and default security group get ids of their own.

use crate::value::{ResObj, Unknown, Value};

/// Resource types whose `id` is one of their own arguments.
pub(crate) fn id_is(rtype: &str) -> Option<&'static str> {
    Some(match rtype {
        "aws_db_subnet_group"
        | "aws_iam_role"
        | "aws_cloudwatch_log_group"
        | "aws_iam_user"
        | "aws_iam_group"
        | "aws_s3_bucket"
        | "aws_sns_topic_subscription" => match rtype {
            "aws_s3_bucket" => "bucket",
            _ => "name",
        },
        "aws_ecs_task_definition" => "family",
        _ => return None,
    })
}

pub(crate) fn attribute(r: &ResObj, name: &str) -> Value {
    let reference = format!("{}.{name}", r.address);
    if let Some(gap) = &r.gap {
        return Value::unknown(Unknown::not_modelled(reference, gap.clone()));
    }
    // What AWS assigns a database that sets no port: its engine's default,
    // so a rule that opens `aws_db_instance.x.port` opens a known port.
    if matches!(r.rtype.as_str(), "aws_db_instance" | "aws_rds_cluster")
        && name == "port"
        && let Some(Value::String(engine)) = r.attrs.get("engine").map(|e| e.unmarked())
        && let Some(port) = crate::map::rds::default_port(engine)
    {
        return Value::Number(f64::from(port));
    }
    let text = match (r.rtype.as_str(), name) {
        (_, "id") => {
            if let Some(field) = id_is(&r.rtype)
                && let Some(v) = r.attrs.get(field)
                && !v.is_null()
            {
                return v.clone();
            }
            Some(r.address.clone())
        }
        (_, "arn" | "arn_without_revision") => Some(r.address.clone()),
        ("aws_eip", "allocation_id") => Some(r.address.clone()),
        ("aws_vpc", "main_route_table_id" | "default_route_table_id") => {
            Some(format!("{}.main_route_table", r.address))
        }
        ("aws_vpc", "default_network_acl_id") => Some(format!("{}.default_network_acl", r.address)),
        ("aws_vpc", "default_security_group_id") => {
            Some(format!("{}.default_security_group", r.address))
        }
        // A name Terraform generates stands for the resource, like its id.
        (_, "name") => Some(r.address.clone()),
        _ => None,
    };
    Value::unknown(match text {
        Some(t) => Unknown::with_text(reference, t),
        None => Unknown::reference(reference),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(rtype: &str, address: &str, attrs: &[(&str, Value)]) -> ResObj {
        ResObj {
            address: address.into(),
            rtype: rtype.into(),
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            gap: None,
        }
    }

    #[test]
    fn a_database_without_a_port_listens_on_its_engine_s() {
        let db = obj(
            "aws_db_instance",
            "aws_db_instance.main",
            &[("engine", Value::str("postgres"))],
        );
        assert_eq!(attribute(&db, "port"), Value::Number(5432.0));
        let unknown = obj("aws_db_instance", "aws_db_instance.main", &[]);
        assert!(matches!(attribute(&unknown, "port"), Value::Unknown(_)));
    }

    #[test]
    fn ids_and_arns_read_as_the_address() {
        let vpc = obj("aws_vpc", "aws_vpc.main", &[]);
        let Value::Unknown(u) = attribute(&vpc, "id") else {
            panic!()
        };
        assert_eq!(u.primary(), "aws_vpc.main.id");
        assert_eq!(u.text_form(), "aws_vpc.main");
        let Value::Unknown(u) = attribute(&vpc, "main_route_table_id") else {
            panic!()
        };
        assert_eq!(u.text_form(), "aws_vpc.main.main_route_table");
        let Value::Unknown(u) = attribute(&vpc, "arn") else {
            panic!()
        };
        assert_eq!(u.text_form(), "aws_vpc.main");
    }

    #[test]
    fn other_computed_attributes_keep_their_reference() {
        let db = obj("aws_db_instance", "aws_db_instance.main", &[]);
        let Value::Unknown(u) = attribute(&db, "address") else {
            panic!()
        };
        assert_eq!(u.text_form(), "aws_db_instance.main.address");
    }

    #[test]
    fn an_id_that_is_an_argument_is_known() {
        let g = obj(
            "aws_db_subnet_group",
            "aws_db_subnet_group.db",
            &[("name", Value::str("app-db"))],
        );
        assert_eq!(attribute(&g, "id"), Value::str("app-db"));
    }
}

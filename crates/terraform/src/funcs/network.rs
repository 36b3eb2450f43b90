//! CIDR arithmetic: `cidrsubnet`, `cidrsubnets`, `cidrhost`, `cidrnetmask`,
//! for IPv4 and IPv6, with Terraform's rules and errors.

use std::net::{Ipv4Addr, Ipv6Addr};

use cloudgrade_model::cidr::{self, IpNet};

use super::{FR, FnErr, Impl, arg, arity, int, s};
use crate::value::Value;

pub(super) fn lookup(name: &str) -> Option<Impl> {
    Some(match name {
        "cidrsubnet" => cidrsubnet,
        "cidrsubnets" => cidrsubnets,
        "cidrhost" => cidrhost,
        "cidrnetmask" => cidrnetmask,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy)]
struct Net {
    addr: u128,
    prefix: u32,
    v6: bool,
}

impl Net {
    fn bits(self) -> u32 {
        if self.v6 { 128 } else { 32 }
    }

    fn base(self) -> u128 {
        let host = self.bits() - self.prefix;
        if host >= 128 {
            0
        } else {
            (self.addr >> host) << host
        }
    }

    fn show_addr(self, a: u128) -> String {
        if self.v6 {
            Ipv6Addr::from(a).to_string()
        } else {
            Ipv4Addr::from(a as u32).to_string()
        }
    }
}

/// A block's address as a number (host bits kept), its prefix, and whether
/// it is IPv6.
pub(crate) fn parse_cidr(text: &str) -> Result<(u128, u32, bool), String> {
    Ok(match cidr::parse_any(text)? {
        IpNet::V4(n) => (
            u32::from(n.addr()) as u128,
            u32::from(n.prefix_len()),
            false,
        ),
        IpNet::V6(n) => (u128::from(n.addr()), u32::from(n.prefix_len()), true),
    })
}

fn net(v: &Value) -> Result<Net, FnErr> {
    let (addr, prefix, v6) = parse_cidr(&s(v)?)?;
    Ok(Net { addr, prefix, v6 })
}

fn subnet(base: Net, newbits: i64, netnum: i64) -> Result<Net, FnErr> {
    if newbits < 0 {
        return Err(FnErr::Invalid("newbits no puede ser negativo".into()));
    }
    if newbits > 128 {
        return Err(FnErr::Invalid(format!(
            "newbits {newbits} no cabe en una dirección"
        )));
    }
    let new_prefix = base.prefix + newbits as u32;
    if new_prefix > base.bits() {
        return Err(FnErr::Invalid(format!(
            "no caben {newbits} bits más en un prefijo /{}: quedaría /{new_prefix}",
            base.prefix
        )));
    }
    if netnum < 0 || (newbits < 127 && (netnum as u128) >= (1u128 << newbits)) {
        return Err(FnErr::Invalid(format!(
            "netnum {netnum} no cabe en {newbits} bits"
        )));
    }
    let shift = base.bits() - new_prefix;
    let addr = base.base() | ((netnum as u128) << shift);
    Ok(Net {
        addr,
        prefix: new_prefix,
        v6: base.v6,
    })
}

fn cidrsubnet(a: &[Value]) -> FR {
    arity(a, 3, 3)?;
    let n = subnet(net(&a[0])?, int(&a[1])?, int(&a[2])?)?;
    Ok(Value::String(format!(
        "{}/{}",
        n.show_addr(n.addr),
        n.prefix
    )))
}

fn cidrsubnets(a: &[Value]) -> FR {
    arity(a, 1, usize::MAX)?;
    let base = net(&a[0])?;
    let total: u128 = if base.bits() - base.prefix >= 128 {
        u128::MAX
    } else {
        1u128 << (base.bits() - base.prefix)
    };
    let mut next: u128 = 0;
    let mut out = Vec::new();
    for v in &a[1..] {
        let nb = int(v)?;
        if !(1..=128).contains(&nb) || base.prefix + nb as u32 > base.bits() {
            return Err(FnErr::Invalid(format!(
                "newbits {nb} no válido para un prefijo /{}",
                base.prefix
            )));
        }
        let size: u128 = 1u128 << (base.bits() - base.prefix - nb as u32);
        // Each block is aligned to its own size, as Terraform allocates them.
        let start = next.div_ceil(size) * size;
        if start + size > total {
            return Err(FnErr::Invalid(format!(
                "no queda espacio en {} para otra subred",
                s(&a[0])?
            )));
        }
        let addr = base.base() + start;
        out.push(Value::String(format!(
            "{}/{}",
            base.show_addr(addr),
            base.prefix + nb as u32
        )));
        next = start + size;
    }
    Ok(Value::List(out))
}

fn cidrhost(a: &[Value]) -> FR {
    arity(a, 2, 2)?;
    let base = net(&a[0])?;
    let host_bits = base.bits() - base.prefix;
    let size: i128 = if host_bits >= 127 {
        i128::MAX
    } else {
        1i128 << host_bits
    };
    let mut h = int(&a[1])? as i128;
    if h < 0 {
        h += size;
    }
    if h < 0 || h >= size {
        return Err(FnErr::Invalid(format!(
            "el host {} no cabe en {}",
            int(&a[1])?,
            s(&a[0])?
        )));
    }
    Ok(Value::String(base.show_addr(base.base() | h as u128)))
}

fn cidrnetmask(a: &[Value]) -> FR {
    let n = net(arg(a, 0))?;
    if n.v6 {
        return Err(FnErr::Invalid("cidrnetmask() solo admite IPv4".into()));
    }
    let mask: u32 = if n.prefix == 0 {
        0
    } else {
        u32::MAX << (32 - n.prefix)
    };
    Ok(Value::String(Ipv4Addr::from(mask).to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[Value]) -> Value {
        lookup(name).unwrap()(args).unwrap()
    }

    #[test]
    fn subnets_as_terraform_computes_them() {
        let n = |x: f64| Value::Number(x);
        assert_eq!(
            call("cidrsubnet", &[Value::str("10.0.0.0/16"), n(8.0), n(1.0)]),
            Value::str("10.0.1.0/24")
        );
        assert_eq!(
            call("cidrsubnet", &[Value::str("10.0.0.0/16"), n(8.0), n(10.0)]),
            Value::str("10.0.10.0/24")
        );
        assert_eq!(
            call("cidrsubnet", &[Value::str("172.16.0.0/12"), n(4.0), n(2.0)]),
            Value::str("172.18.0.0/16")
        );
        assert_eq!(
            call(
                "cidrsubnet",
                &[Value::str("fd00:fd12:3456:7890::/56"), n(16.0), n(162.0)]
            ),
            Value::str("fd00:fd12:3456:7800:a200::/72")
        );
        assert!(
            lookup("cidrsubnet").unwrap()(&[Value::str("10.0.0.0/16"), n(8.0), n(256.0)]).is_err()
        );
        assert!(
            lookup("cidrsubnet").unwrap()(&[Value::str("10.0.0.0/30"), n(8.0), n(0.0)]).is_err()
        );
        assert_eq!(
            call("cidrhost", &[Value::str("10.12.112.0/20"), n(16.0)]),
            Value::str("10.12.112.16")
        );
        assert_eq!(
            call("cidrhost", &[Value::str("10.12.112.0/20"), n(-2.0)]),
            Value::str("10.12.127.254")
        );
        assert_eq!(
            call("cidrnetmask", &[Value::str("172.16.0.0/12")]),
            Value::str("255.240.0.0")
        );
        assert_eq!(
            call(
                "cidrsubnets",
                &[Value::str("10.1.0.0/16"), n(4.0), n(4.0), n(8.0), n(4.0)]
            ),
            Value::List(vec![
                Value::str("10.1.0.0/20"),
                Value::str("10.1.16.0/20"),
                Value::str("10.1.32.0/24"),
                Value::str("10.1.48.0/20")
            ])
        );
    }
}

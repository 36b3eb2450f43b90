//! IPv4 and IPv6 blocks, in one place for every crate: the analysis
//! (routes, security groups, network ACLs), the Terraform functions
//! (`cidrsubnet` and friends) and the worlds' validation. Blocks are
//! `ipnet`'s; what it does not do (ranges that are not blocks, whether a
//! set of ranges covers another, the public address space) is here, as
//! `u32` arithmetic.

use std::fmt;
use std::net::Ipv4Addr;

pub use ipnet::{IpNet, Ipv6Net};

/// An IPv4 CIDR block; the address is stored with its host bits cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv4Net(ipnet::Ipv4Net);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{input}» no es un bloque CIDR IPv4 válido: {why}")]
pub struct CidrError {
    pub input: String,
    pub why: &'static str,
}

impl Ipv4Net {
    pub const ALL: Ipv4Net = Ipv4Net(ipnet::Ipv4Net::new_assert(Ipv4Addr::UNSPECIFIED, 0));

    /// Host bits of `addr` are cleared: `10.0.1.5/16` is `10.0.0.0/16`.
    pub fn new(addr: u32, prefix: u8) -> Option<Self> {
        ipnet::Ipv4Net::new(Ipv4Addr::from(addr), prefix)
            .ok()
            .map(|n| Ipv4Net(n.trunc()))
    }

    /// `a.b.c.d/n`; a bare address is a `/32`. Octets may have leading
    /// zeros (`10.0.01.0/24`), as AWS's own parser takes them.
    pub fn parse(s: &str) -> Result<Self, CidrError> {
        let err = |why| CidrError {
            input: s.to_string(),
            why,
        };
        let s_trim = s.trim();
        let (addr, prefix) = match s_trim.split_once('/') {
            Some((a, p)) => {
                let prefix: u8 = p
                    .parse()
                    .map_err(|_| err("la longitud del prefijo no es un número"))?;
                (a, prefix)
            }
            None => (s_trim, 32),
        };
        let addr = parse_addr(addr).ok_or_else(|| err("la dirección no tiene la forma a.b.c.d"))?;
        Ipv4Net::new(addr, prefix).ok_or_else(|| err("el prefijo pasa de 32"))
    }

    pub fn network(self) -> u32 {
        u32::from(self.0.network())
    }
    pub fn prefix(self) -> u8 {
        self.0.prefix_len()
    }
    pub fn first(self) -> u32 {
        self.network()
    }
    pub fn last(self) -> u32 {
        u32::from(self.0.broadcast())
    }
    pub fn range(self) -> Ipv4Range {
        Ipv4Range {
            first: self.first(),
            last: self.last(),
        }
    }
    pub fn contains(self, addr: u32) -> bool {
        self.0.contains(&Ipv4Addr::from(addr))
    }
    /// Every address of `other` is in `self`.
    pub fn contains_net(self, other: Ipv4Net) -> bool {
        self.0.contains(&other.0)
    }
    pub fn overlaps(self, other: Ipv4Net) -> bool {
        self.contains_net(other) || other.contains_net(self)
    }
}

impl fmt::Display for Ipv4Net {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for Ipv4Net {
    type Err = CidrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ipv4Net::parse(s)
    }
}

/// A block of either family, as Terraform's functions take it (`a.b.c.d/n`
/// or an IPv6 address and prefix; host bits kept, as `cidrhost` needs).
pub fn parse_any(text: &str) -> Result<IpNet, String> {
    let (ip, len) = text
        .split_once('/')
        .ok_or_else(|| format!("\"{text}\" no es un bloque CIDR (falta /n)"))?;
    let prefix: u8 = len
        .parse()
        .map_err(|_| format!("\"{text}\": longitud de prefijo no válida"))?;
    let (ip, max): (std::net::IpAddr, u8) = if let Ok(v4) = ip.parse::<Ipv4Addr>() {
        (v4.into(), 32)
    } else if let Ok(v6) = ip.parse::<std::net::Ipv6Addr>() {
        (v6.into(), 128)
    } else {
        return Err(format!("\"{text}\" no es un bloque CIDR"));
    };
    IpNet::new(ip, prefix).map_err(|_| {
        let family = if max == 32 { "IPv4" } else { "IPv6" };
        format!("\"{text}\": un prefijo {family} no pasa de /{max}")
    })
}

/// An inclusive range of addresses; unlike a CIDR block it need not be
/// aligned, which is what a partition of the address space produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv4Range {
    pub first: u32,
    pub last: u32,
}

impl Ipv4Range {
    pub fn new(first: u32, last: u32) -> Option<Self> {
        (first <= last).then_some(Ipv4Range { first, last })
    }
    pub fn contains(self, addr: u32) -> bool {
        self.first <= addr && addr <= self.last
    }
    pub fn size(self) -> u64 {
        u64::from(self.last) - u64::from(self.first) + 1
    }
    pub fn intersect(self, other: Ipv4Range) -> Option<Ipv4Range> {
        Ipv4Range::new(self.first.max(other.first), self.last.min(other.last))
    }
    /// The exact CIDR block, when the range is one.
    pub fn as_net(self) -> Option<Ipv4Net> {
        let size = self.size();
        if !size.is_power_of_two() {
            return None;
        }
        let prefix = 32 - size.trailing_zeros() as u8;
        Ipv4Net::new(self.first, prefix).filter(|n| n.first() == self.first)
    }
}

impl fmt::Display for Ipv4Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_net() {
            Some(net) => net.fmt(f),
            None => write!(f, "{}–{}", fmt_addr(self.first), fmt_addr(self.last)),
        }
    }
}

/// Whether the union of `ranges` covers every address of `target`.
pub fn covers(ranges: &[Ipv4Range], target: Ipv4Range) -> bool {
    let mut sorted: Vec<Ipv4Range> = ranges.iter().filter_map(|r| r.intersect(target)).collect();
    sorted.sort();
    let mut next = u64::from(target.first);
    for r in sorted {
        if u64::from(r.first) > next {
            return false;
        }
        next = next.max(u64::from(r.last) + 1);
    }
    next > u64::from(target.last)
}

pub fn parse_addr(s: &str) -> Option<u32> {
    let mut out = 0u32;
    let mut parts = 0;
    for part in s.trim().split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let octet: u8 = part.parse().ok()?;
        out = (out << 8) | u32::from(octet);
        parts += 1;
    }
    (parts == 4).then_some(out)
}

pub fn fmt_addr(addr: u32) -> String {
    Ipv4Addr::from(addr).to_string()
}

/// Blocks that are not on the public internet (IANA special-purpose
/// registry): traffic to them never needs, nor goes through, a NAT gateway.
const NON_PUBLIC: [(u32, u8); 15] = [
    (0x0000_0000, 8),  // 0.0.0.0/8 "this network"
    (0x0A00_0000, 8),  // 10.0.0.0/8 RFC 1918
    (0x6440_0000, 10), // 100.64.0.0/10 carrier-grade NAT
    (0x7F00_0000, 8),  // 127.0.0.0/8 loopback
    (0xA9FE_0000, 16), // 169.254.0.0/16 link-local (instance metadata)
    (0xAC10_0000, 12), // 172.16.0.0/12 RFC 1918
    (0xC000_0000, 24), // 192.0.0.0/24 IETF protocol assignments
    (0xC000_0200, 24), // 192.0.2.0/24 TEST-NET-1
    (0xC058_6300, 24), // 192.88.99.0/24 deprecated 6to4 relay
    (0xC0A8_0000, 16), // 192.168.0.0/16 RFC 1918
    (0xC612_0000, 15), // 198.18.0.0/15 benchmarking
    (0xC633_6400, 24), // 198.51.100.0/24 TEST-NET-2
    (0xCB00_7100, 24), // 203.0.113.0/24 TEST-NET-3
    (0xE000_0000, 4),  // 224.0.0.0/4 multicast
    (0xF000_0000, 4),  // 240.0.0.0/4 reserved, and the broadcast address
];

fn non_public() -> impl Iterator<Item = Ipv4Net> {
    NON_PUBLIC.iter().filter_map(|&(a, p)| Ipv4Net::new(a, p))
}

/// An address reachable on the public internet.
pub fn is_public(addr: u32) -> bool {
    !non_public().any(|n| n.contains(addr))
}

/// The public address space as sorted, disjoint ranges.
pub fn public_ranges() -> Vec<Ipv4Range> {
    let mut blocked: Vec<Ipv4Range> = non_public().map(Ipv4Net::range).collect();
    blocked.sort();
    let mut out = Vec::new();
    let mut next: u64 = 0;
    for b in blocked {
        if u64::from(b.first) > next {
            // `next` < b.first <= u32::MAX, so it fits.
            out.push(Ipv4Range {
                first: next as u32,
                last: b.first - 1,
            });
        }
        next = next.max(u64::from(b.last) + 1);
    }
    if next <= u64::from(u32::MAX) {
        out.push(Ipv4Range {
            first: next as u32,
            last: u32::MAX,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        Ipv4Net::parse(s).unwrap()
    }

    #[test]
    fn parses_and_normalises_blocks() {
        assert_eq!(net("10.0.1.5/16").to_string(), "10.0.0.0/16");
        assert_eq!(net("0.0.0.0/0"), Ipv4Net::ALL);
        assert_eq!(net("1.2.3.4").prefix(), 32);
        assert_eq!(net("128.0.0.0/1").first(), 0x8000_0000);
        assert_eq!(net("128.0.0.0/1").last(), u32::MAX);
        assert_eq!(net("0.0.0.0/0").last(), u32::MAX);
        assert_eq!(net("10.0.0.0/32").last(), net("10.0.0.0/32").first());
    }

    #[test]
    fn rejects_malformed_blocks_with_a_spanish_reason() {
        for bad in [
            "",
            "10.0.0/16",
            "10.0.0.256/8",
            "10.0.0.0/33",
            "10.0.0.0/x",
            "a.b.c.d/8",
            "10.0.0.0.0/8",
            "::/0",
        ] {
            let e = Ipv4Net::parse(bad).unwrap_err();
            assert!(
                e.to_string().contains("no es un bloque CIDR IPv4 válido"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn containment_and_overlap() {
        assert!(net("10.0.0.0/16").contains_net(net("10.0.3.0/24")));
        assert!(!net("10.0.3.0/24").contains_net(net("10.0.0.0/16")));
        assert!(net("10.0.3.0/24").overlaps(net("10.0.0.0/16")));
        assert!(net("10.0.0.0/16").overlaps(net("10.0.3.0/24")));
        assert!(!net("10.0.3.0/24").overlaps(net("10.0.4.0/24")));
        assert!(net("0.0.0.0/0").contains(parse_addr("203.0.113.9").unwrap()));
    }

    #[test]
    fn public_space_excludes_private_and_special_blocks() {
        for private in [
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "127.0.0.1",
            "169.254.169.254",
            "0.1.2.3",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
        ] {
            assert!(!is_public(parse_addr(private).unwrap()), "{private}");
        }
        for public in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "52.95.110.1",
            "11.0.0.0",
            "223.255.255.255",
        ] {
            assert!(is_public(parse_addr(public).unwrap()), "{public}");
        }
    }

    #[test]
    fn public_ranges_agree_with_is_public_at_every_boundary() {
        let ranges = public_ranges();
        for w in ranges.windows(2) {
            assert!(w[0].last < w[1].first, "sorted and disjoint");
        }
        for r in &ranges {
            assert!(is_public(r.first) && is_public(r.last), "{r}");
            if r.first > 0 {
                assert!(!is_public(r.first - 1), "{r}");
            }
            if r.last < u32::MAX {
                assert!(!is_public(r.last + 1), "{r}");
            }
        }
        assert_eq!(ranges[0].to_string(), "1.0.0.0–9.255.255.255");
        assert_eq!(
            ranges.last().unwrap().last,
            parse_addr("223.255.255.255").unwrap()
        );
    }

    #[test]
    fn ranges_print_as_a_block_when_aligned() {
        assert_eq!(
            Ipv4Range::new(0x0800_0000, 0x08FF_FFFF)
                .unwrap()
                .to_string(),
            "8.0.0.0/8"
        );
        assert_eq!(
            Ipv4Range::new(0x0B00_0000, 0x63FF_FFFF)
                .unwrap()
                .to_string(),
            "11.0.0.0–99.255.255.255"
        );
        assert_eq!(
            Ipv4Range::new(0, u32::MAX).unwrap().to_string(),
            "0.0.0.0/0"
        );
        assert!(Ipv4Range::new(2, 1).is_none());
    }

    #[test]
    fn union_coverage() {
        let a = net("10.0.1.0/25").range();
        let b = net("10.0.1.128/25").range();
        let target = net("10.0.1.0/24").range();
        assert!(covers(&[b, a], target));
        assert!(!covers(&[a], target));
        assert!(covers(&[Ipv4Net::ALL.range()], target));
        assert!(!covers(&[], target));
    }
}

//! `--shard K/N`: which part of the roster one machine grades. Students are
//! dealt round-robin in roster order, so shards are balanced and every
//! machine given the same roster and the same N agrees on who is whose.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 1-based, as people count machines.
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Whether the student at `position` (0-based, roster order) is ours.
    pub fn contains(&self, position: usize) -> bool {
        position % self.count == self.index - 1
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "--shard «{s}»: se espera K/N con 1 ≤ K ≤ N, p. ej. 2/4 (en un Job indexado de Kubernetes: $((JOB_COMPLETION_INDEX + 1))/N)"
            )
        };
        let (k, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_deals_round_robin() {
        let s: Shard = "2/3".parse().unwrap();
        let mine: Vec<usize> = (0..8).filter(|&i| s.contains(i)).collect();
        assert_eq!(mine, [1, 4, 7]);
        for bad in ["0/3", "4/3", "1/0", "x/2", "3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_student_lands_in_exactly_one_shard() {
        let shards: Vec<Shard> = (1..=4).map(|k| Shard { index: k, count: 4 }).collect();
        for i in 0..37 {
            assert_eq!(shards.iter().filter(|s| s.contains(i)).count(), 1);
        }
    }
}

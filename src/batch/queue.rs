//! The work queue of a batch, with a per-account limit: at most `limit`
//! students of one AWS account are read at once, so a shared sandbox or a
//! group's account is never hit by every worker together (which is how
//! API throttling, and then gaps, start). A worker takes the first student
//! whose account has room, so one busy account never idles the others.

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex, MutexGuard};

pub struct AccountQueue {
    state: Mutex<State>,
    changed: Condvar,
    limit: usize,
}

struct State {
    /// (position in the batch, account key)
    pending: VecDeque<(usize, Option<String>)>,
    busy: HashMap<String, usize>,
}

/// A taken student; give it back with [`AccountQueue::done`].
#[derive(Debug)]
pub struct Ticket {
    pub position: usize,
    account: Option<String>,
}

impl AccountQueue {
    pub fn new(items: impl IntoIterator<Item = (usize, Option<String>)>, limit: usize) -> Self {
        AccountQueue {
            state: Mutex::new(State {
                pending: items.into_iter().collect(),
                busy: HashMap::new(),
            }),
            changed: Condvar::new(),
            limit: limit.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A worker that panicked while holding the lock left consistent
        // data (every change is one statement): keep going.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next student to grade; `None` when the queue is empty. Blocks
    /// while every pending student's account is at its limit.
    pub fn take(&self) -> Option<Ticket> {
        let mut st = self.lock();
        loop {
            if st.pending.is_empty() {
                return None;
            }
            let free = st.pending.iter().position(|(_, acct)| {
                acct.as_ref()
                    .is_none_or(|a| st.busy.get(a).copied().unwrap_or(0) < self.limit)
            });
            if let Some(i) = free
                && let Some((position, account)) = st.pending.remove(i)
            {
                if let Some(a) = &account {
                    *st.busy.entry(a.clone()).or_insert(0) += 1;
                }
                return Some(Ticket { position, account });
            }
            st = self.changed.wait(st).unwrap_or_else(|e| e.into_inner());
        }
    }

    pub fn done(&self, ticket: Ticket) {
        if let Some(a) = ticket.account {
            let mut st = self.lock();
            if let Some(n) = st.busy.get_mut(&a) {
                *n = n.saturating_sub(1);
            }
        }
        self.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn never_more_than_the_limit_per_account_and_others_keep_flowing() {
        // 6 students of one account, 6 of files: 4 workers, limit 1.
        let items: Vec<(usize, Option<String>)> = (0..12)
            .map(|i| (i, (i % 2 == 0).then(|| "cuenta 1".to_string())))
            .collect();
        let q = AccountQueue::new(items, 1);
        let in_account = AtomicUsize::new(0);
        let worst = AtomicUsize::new(0);
        let seen = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    while let Some(t) = q.take() {
                        let live = t.position % 2 == 0;
                        if live {
                            let now = in_account.fetch_add(1, Ordering::SeqCst) + 1;
                            worst.fetch_max(now, Ordering::SeqCst);
                        }
                        std::thread::sleep(Duration::from_millis(5));
                        if live {
                            in_account.fetch_sub(1, Ordering::SeqCst);
                        }
                        seen.lock().unwrap().push(t.position);
                        q.done(t);
                    }
                });
            }
        });
        assert_eq!(worst.load(Ordering::SeqCst), 1);
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        assert_eq!(seen, (0..12).collect::<Vec<_>>());
    }
}

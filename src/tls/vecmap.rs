//! The one map type of the library: a vector of (key, value) pairs kept sorted by key, found by
//! binary search. The library's maps are small (handle tables of live contexts and configs, the
//! bounded session cache, the adopted cipher lists) and every `BTreeMap<K, V>` instantiation costs
//! 8-10 KiB of node-balancing code in a module build (docs/PERFORMANCE.md, "Size"); this one is a
//! few hundred bytes per instantiation. Inserting or removing moves the entries behind the slot
//! (handles only grow, so the handle tables insert at the end); lookups are O(log n).

#[allow(unused_imports)]
use crate::prelude::*;

pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V> VecMap<K, V> {
    pub const fn new() -> Self {
        VecMap { entries: Vec::new() }
    }
}

impl<K: Ord, V> VecMap<K, V> {

    /// Where `key` is (Ok) or would go (Err).
    fn slot(&self, key: &K) -> core::result::Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.cmp(key))
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.slot(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.slot(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.slot(key).is_ok()
    }

    /// Store `value` under `key`; the value it replaces, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.slot(&key) {
            Ok(i) => Some(core::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// The value under `key`, inserting `make()` first when there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.slot(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        &mut self.entries[i].1
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.slot(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// Keep only the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_as_a_sorted_map() {
        let mut m = VecMap::new();
        for k in [5, 1, 9, 3, 7] {
            assert_eq!(m.insert(k, k * 10), None);
        }
        assert_eq!(m.insert(3, 33), Some(30), "replace returns the old value");
        assert_eq!(m.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [1, 3, 5, 7, 9]);
        assert_eq!(m.get(&3), Some(&33));
        assert_eq!(m.get(&4), None);
        *m.get_mut(&9).unwrap() += 1;
        assert_eq!(m.get(&9), Some(&91));
        *m.get_or_insert_with(4, || 0) += 2;
        *m.get_or_insert_with(4, || 100) += 2;
        assert_eq!(m.get(&4), Some(&4));
        assert_eq!(m.remove(&1), Some(10));
        assert_eq!(m.remove(&1), None);
        assert!(m.contains_key(&5) && !m.contains_key(&1));
        m.retain(|k, _| k % 2 == 1);
        assert_eq!(m.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(), [(3, 33), (5, 50), (7, 70), (9, 91)]);
        assert_eq!(m.len(), 4);
        assert!(!m.is_empty());
    }
}

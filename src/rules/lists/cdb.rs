//! Reading D. J. Bernstein's constant database format, as `src/analysisd/cdb/cdb.c`
//! (`cdb_find`) does: a 2048-byte table of 256 (position, slots) pairs, hash
//! `h = ((h << 5) + h) ^ byte` from 5381, linear probing, first record wins.
//! Written by hand: no cdb crate is in the dependency tree, the reader is small, and
//! the daemon's lookup is only `cdb_find` (docs/analysis-lists.md).

/// Every record of a cdb file, in file order (`None` when the file is malformed).
pub(super) fn records(data: &[u8]) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    let u32_at = |i: usize| -> Option<usize> {
        let b = data.get(i..i + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    // Records run from 2048 to the first hash table.
    let end = (0..256)
        .filter_map(|k| u32_at(k * 8))
        .min()
        .filter(|&e| e >= 2048 && e <= data.len())?;
    let mut out = Vec::new();
    let mut pos = 2048;
    while pos < end {
        let (klen, dlen) = (u32_at(pos)?, u32_at(pos + 4)?);
        let key = data.get(pos + 8..pos + 8 + klen)?;
        let value = data.get(pos + 8 + klen..pos + 8 + klen + dlen)?;
        out.push((key.to_vec(), value.to_vec()));
        pos += 8 + klen + dlen;
    }
    Some(out)
}

/// `cdb_find`: the value of the first record with this key.
#[cfg(test)]
pub(super) fn find<'a>(data: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let u32_at = |i: usize| -> Option<usize> {
        let b = data.get(i..i + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let h = hash(key);
    let slot = ((h & 255) * 8) as usize;
    let (hpos, hslots) = (u32_at(slot)?, u32_at(slot + 4)?);
    if hslots == 0 {
        return None;
    }
    let mut kpos = hpos + ((h >> 8) as usize % hslots) * 8;
    for _ in 0..hslots {
        let (rh, pos) = (u32_at(kpos)?, u32_at(kpos + 4)?);
        if pos == 0 {
            return None;
        }
        kpos += 8;
        if kpos == hpos + hslots * 8 {
            kpos = hpos;
        }
        if rh as u32 == h
            && u32_at(pos)? == key.len()
            && data.get(pos + 8..pos + 8 + key.len())? == key
        {
            let dlen = u32_at(pos + 4)?;
            return data.get(pos + 8 + key.len()..pos + 8 + key.len() + dlen);
        }
    }
    None
}

/// `cdb_hash`.
#[cfg(test)]
pub(super) fn hash(key: &[u8]) -> u32 {
    key.iter().fold(5381u32, |h, &b| {
        (h.wrapping_shl(5).wrapping_add(h)) ^ u32::from(b)
    })
}

/// Builds a cdb file the way `cdb_make.c` does (tests write fixtures with it).
#[cfg(test)]
pub(super) fn make(records: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut out = vec![0u8; 2048];
    let mut entries: Vec<(u32, u32)> = Vec::new();
    for (k, v) in records {
        entries.push((hash(k), out.len() as u32));
        out.extend_from_slice(&(k.len() as u32).to_le_bytes());
        out.extend_from_slice(&(v.len() as u32).to_le_bytes());
        out.extend_from_slice(k);
        out.extend_from_slice(v);
    }
    let mut header = Vec::new();
    for t in 0..256u32 {
        let mine: Vec<&(u32, u32)> = entries.iter().filter(|e| e.0 & 255 == t).collect();
        let slots = mine.len() * 2;
        let mut table = vec![(0u32, 0u32); slots];
        for e in mine {
            let mut i = ((e.0 >> 8) as usize) % slots;
            while table[i].1 != 0 {
                i = (i + 1) % slots;
            }
            table[i] = *e;
        }
        header.push((out.len() as u32, slots as u32));
        for (h, p) in table {
            out.extend_from_slice(&h.to_le_bytes());
            out.extend_from_slice(&p.to_le_bytes());
        }
    }
    for (i, (p, s)) in header.into_iter().enumerate() {
        out[i * 8..i * 8 + 4].copy_from_slice(&p.to_le_bytes());
        out[i * 8 + 4..i * 8 + 8].copy_from_slice(&s.to_le_bytes());
    }
    out
}

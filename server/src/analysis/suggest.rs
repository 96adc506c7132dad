//! "Did you mean" suggestions for misspelt field names.

/// The known name closest to `name`: same letters ignoring case, `_` and `-` first, then
/// the nearest by edit distance when it is close enough to be a typo.
pub fn nearest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let normalized = normalize(name);
    let mut best: Option<(usize, &str)> = None;
    for candidate in known {
        if normalize(candidate) == normalized {
            return Some(candidate);
        }
        let distance = edit_distance(&name.to_lowercase(), &candidate.to_lowercase());
        if best.is_none_or(|(best_distance, _)| distance < best_distance) {
            best = Some((distance, candidate));
        }
    }
    let limit = (name.chars().count() / 3).clamp(1, 3);
    best.filter(|(distance, _)| *distance <= limit)
        .map(|(_, candidate)| candidate)
}

fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Levenshtein distance over characters.
fn edit_distance(left: &str, right: &str) -> usize {
    let right: Vec<char> = right.chars().collect();
    let mut previous: Vec<usize> = (0..=right.len()).collect();
    for (i, left_char) in left.chars().enumerate() {
        let mut current = vec![i + 1; right.len() + 1];
        for (j, right_char) in right.iter().enumerate() {
            let substitution = previous[j] + usize::from(left_char != *right_char);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[right.len()]
}

#[cfg(test)]
mod tests {
    use super::nearest;

    const FIELDS: [&str; 4] = ["TTY", "Command", "ContainerName", "Sync"];

    #[test]
    fn case_and_separators_are_ignored() {
        assert_eq!(nearest("Tty", FIELDS), Some("TTY"));
        assert_eq!(nearest("container_name", FIELDS), Some("ContainerName"));
    }

    #[test]
    fn typos_within_reach_are_suggested() {
        assert_eq!(nearest("Comand", FIELDS), Some("Command"));
        assert_eq!(nearest("Commands", FIELDS), Some("Command"));
    }

    #[test]
    fn unrelated_names_get_no_suggestion() {
        assert_eq!(nearest("Timeout", FIELDS), None);
        assert_eq!(nearest("x", FIELDS), None);
    }
}

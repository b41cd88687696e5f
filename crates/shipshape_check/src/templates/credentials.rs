//! Template: whether a name says "credential", whether a value is one or only stands in
//! for one, and the password a connection URL carries. SS111 (credentials in plain text)
//! and SS112 (placeholder credentials) read names and values the same way through it,
//! so one value is never both or neither.

/// Name endings that mean the value is a credential, after separators become `_`.
const CREDENTIAL_ENDINGS: [&str; 12] = [
    "PASSWORD",
    "PASSWD",
    "PWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "SECRET_KEY",
    "ACCESS_KEY",
    "CREDENTIALS",
];

/// Well-known names that end like a credential and are not one.
const NOT_CREDENTIALS: [&str; 3] = [
    // etcd's initial cluster token only tells clusters apart during bootstrap; its
    // documentation has it in plain configuration.
    "ETCD_INITIAL_CLUSTER_TOKEN",
    // The shell's working directories.
    "PWD",
    "OLDPWD",
];

/// Whether a variable or key called `name` holds a credential. Only the last words
/// count, so `PASSWORD_FILE` and `SECRET_NAME`, which point at one, do not; camel case
/// counts as words (`apiKey`, `dbPassword`).
#[must_use]
pub fn names_credential(name: &str) -> bool {
    let name = words(name);
    !NOT_CREDENTIALS.contains(&name.as_str())
        && CREDENTIAL_ENDINGS.iter().any(|ending| {
            name.strip_suffix(ending)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with('_'))
        })
}

/// `name` in upper case with its words apart: `-`, `.` and a lower-case letter
/// followed by a capital become `_` boundaries (`dbPassword` is `DB_PASSWORD`).
fn words(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut lower_before = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && lower_before {
            out.push('_');
        }
        lower_before = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(match c {
            '-' | '.' => '_',
            c => c.to_ascii_uppercase(),
        });
    }
    out
}

/// Whether `value` is nothing but references to other variables (`$(A)$(B)`), which
/// Kubernetes expands from elsewhere.
#[must_use]
pub fn only_references(value: &str) -> bool {
    let mut rest = value.trim();
    while let Some(after) = rest.strip_prefix("$(") {
        let Some(end) = after.find(')') else {
            return false;
        };
        rest = after[end + 1..].trim_start();
    }
    rest.is_empty()
}

/// Values that stand in for a credential nobody chose: the defaults of README snippets
/// and chart `values.yaml` files, compared without case.
const PLACEHOLDERS: [&str; 18] = [
    "changeme",
    "change-me",
    "change_me",
    "changeit",
    "replaceme",
    "replace-me",
    "replace_me",
    "password",
    "passw0rd",
    "secret",
    "example",
    "admin",
    "todo",
    "tbd",
    "fixme",
    "placeholder",
    "dummy",
    "xxx",
];

/// Whether `value` (not empty) stands in for a credential: one of the common
/// placeholders, only `x`s or `*`s, a `<your-password>` to fill in, or a phrase such
/// as `your-api-key` or `token-goes-here`.
#[must_use]
pub fn is_placeholder(value: &str) -> bool {
    let value = value.trim().to_ascii_lowercase();
    let filled = |c: char| value.len() >= 3 && value.chars().all(|v| v == c);
    PLACEHOLDERS.contains(&value.as_str())
        || filled('x')
        || filled('*')
        || (value.len() > 2 && value.starts_with('<') && value.ends_with('>'))
        || ["your-", "your_", "your "]
            .iter()
            .any(|p| value.starts_with(p))
        || ["-here", "_here", " here"]
            .iter()
            .any(|s| value.ends_with(s))
}

/// A password written into a connection URL (`postgres://app:s3cret@db:5432/app`),
/// for each URL in `text`; references (`$(DB_PASSWORD)`, `${DB_PASSWORD}`,
/// `{{ .password }}`) that something else fills in are not passwords.
#[must_use]
pub fn url_passwords(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let scheme = rest[..at]
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .next()
            .unwrap_or("");
        let after = &rest[at + 3..];
        let authority_end = after
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .unwrap_or(after.len());
        let authority = &after[..authority_end];
        if !scheme.is_empty()
            && let Some((userinfo, _host)) = authority.rsplit_once('@')
            && let Some((_user, password)) = userinfo.split_once(':')
            && !password.is_empty()
            && !is_reference(password)
        {
            found.push(password);
        }
        rest = &after[authority_end..];
    }
    found
}

/// Whether `value` is filled in by something else: `$(VAR)` for Kubernetes, `${VAR}`
/// or `$VAR` for a shell or envsubst, `{{ ... }}` for a template.
fn is_reference(value: &str) -> bool {
    value.starts_with('$') || value.starts_with("{{") || only_references(value)
}

#[cfg(test)]
mod tests {
    use super::{is_placeholder, names_credential, only_references, url_passwords};

    #[test]
    fn names_that_hold_a_credential_and_names_that_point_at_one() {
        for name in [
            "DB_PASSWORD",
            "github-token",
            "aws.secret_access_key",
            "apiKey",
            "SECRET",
            "password",
            "postgres-password",
            "DB_PWD",
            "dbPassword",
            "jwtSecret",
        ] {
            assert!(names_credential(name), "{name}");
        }
        for name in [
            "PASSWORD_FILE",
            "SECRET_NAME",
            "TOKEN_TTL",
            "MONKEY",
            "PASSWORDLESS",
            "PWD",
            "username",
        ] {
            assert!(!names_credential(name), "{name}");
        }
    }

    #[test]
    fn references_to_other_variables_are_not_literals() {
        assert!(only_references("$(DB_PASSWORD)"));
        assert!(only_references("$(A) $(B)"));
        assert!(!only_references("$(A)x"));
        assert!(!only_references("hunter2"));
    }

    #[test]
    fn placeholders_and_chosen_values() {
        for value in [
            "changeme",
            "CHANGEME",
            " Password ",
            "secret",
            "example",
            "admin",
            "<your-password>",
            "TODO",
            "xxxxxx",
            "********",
            "your-api-key",
            "YOUR_TOKEN_HERE",
            "put-token-here",
        ] {
            assert!(is_placeholder(value), "{value}");
        }
        for value in [
            "hunter2",
            "sk_live_51H8",
            "",
            "xx",
            "<>",
            "admin123",
            "secretive",
        ] {
            assert!(!is_placeholder(value), "{value}");
        }
    }

    #[test]
    fn passwords_in_connection_urls() {
        assert_eq!(
            url_passwords("postgres://app:s3cret@db:5432/app"),
            ["s3cret"]
        );
        assert_eq!(
            url_passwords("redis://:changeme@redis:6379/0"),
            ["changeme"]
        );
        assert_eq!(
            url_passwords("a=amqp://u:p1@mq:5672 b=mongodb+srv://v:p2@cluster/db?x=y"),
            ["p1", "p2"]
        );
        for text in [
            "postgres://app@db:5432/app",
            "http://db:5432/user:pass@x",
            "postgres://app:$(DB_PASSWORD)@db/app",
            "postgres://app:${DB_PASSWORD}@db/app",
            "postgres://app:{{ .Values.password }}@db/app",
            "git@github.com:org/repo.git",
            "https://example.com",
            "postgres://app:@db/app",
        ] {
            assert_eq!(url_passwords(text), Vec::<&str>::new(), "{text}");
        }
    }
}

//! `berth login`: check the credentials against the registry, then store them in auth.json
//! (mode 0600). The password is never printed, logged or put in an error.

use std::io::{BufRead, IsTerminal, Write};

use crate::cli::login::LoginArgs;
use crate::config::auth::{AuthFiles, Credential};
use crate::config::registries::{Endpoint, RegistriesConf};
use crate::error::{Context, Error, HintContext, Result};
use crate::registry::{Client, ClientOptions};

/// The registry host of a login key (`host[:port][/namespace…]`, maybe with a scheme).
pub fn registry_of(key: &str) -> &str {
    let k = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    k.split('/').next().unwrap_or(k)
}

/// Strip one trailing newline (`\n` or `\r\n`) from a password read from stdin.
pub fn trim_newline(s: &str) -> &str {
    s.strip_suffix('\n')
        .map(|s| s.strip_suffix('\r').unwrap_or(s))
        .unwrap_or(s)
}

/// Read one line from the terminal without echo.
fn read_hidden(prompt: &str) -> Result<String> {
    use nix::sys::termios::{tcgetattr, tcsetattr, LocalFlags, SetArg};
    let stdin = std::io::stdin();
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let saved = tcgetattr(&stdin)
        .map_err(std::io::Error::from)
        .context("read the terminal settings")?;
    let mut quiet = saved.clone();
    quiet.local_flags.remove(LocalFlags::ECHO);
    tcsetattr(&stdin, SetArg::TCSANOW, &quiet)
        .map_err(std::io::Error::from)
        .context("turn off the terminal echo")?;
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    let _ = tcsetattr(&stdin, SetArg::TCSANOW, &saved);
    eprintln!();
    read.context("read the password")?;
    Ok(trim_newline(&line).to_string())
}

fn read_line(prompt: &str) -> Result<String> {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("read the user name")?;
    Ok(trim_newline(&line).to_string())
}

/// Run `berth login`.
pub fn execute(args: LoginArgs) -> Result<()> {
    let tty = std::io::stdin().is_terminal();
    let username = match args.username {
        Some(u) => u,
        None if tty && !args.password_stdin => read_line("Username: ")?,
        None => {
            return Err(Error::msg("log in: a user name is required").hint("pass it with `-u USER`"))
        }
    };
    if username.is_empty() {
        return Err(Error::msg("log in: the user name is empty"));
    }
    let password = if args.password_stdin {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text)
            .context("read the password from stdin")?;
        trim_newline(&text).to_string()
    } else if let Some(p) = args.password {
        p
    } else if tty {
        read_hidden("Password: ")?
    } else {
        return Err(Error::msg("log in: a password is required")
            .hint("pass it with --password-stdin, or run on a terminal to be asked"));
    };
    if password.is_empty() {
        return Err(Error::msg("log in: the password is empty"));
    }
    let cred = Credential::new(username, password);
    let registry = registry_of(&args.registry).to_string();
    let conf = RegistriesConf::load().context("read registries.conf")?;
    let ep = Endpoint {
        registry: registry.clone(),
        repository: String::new(),
        insecure: conf.is_insecure(&format!("{registry}/x")),
        mirror: false,
    };
    let mut copts = ClientOptions::for_endpoint(&ep, args.tls_verify);
    copts.credential = Some(cred.clone());
    let client = Client::new(&registry, copts).hinted_context(format!("log in to `{registry}`"))?;
    client
        .check_login()
        .hinted_context(format!("log in to `{registry}`"))?;
    let auth = AuthFiles::discover(args.authfile.as_deref()).context("find the auth file")?;
    auth.login(&args.registry, &cred)
        .context("store the credentials")?;
    println!("Login Succeeded!");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_their_registry() {
        assert_eq!(registry_of("quay.io"), "quay.io");
        assert_eq!(registry_of("https://127.0.0.1:5000/v1/"), "127.0.0.1:5000");
        assert_eq!(registry_of("h:1/ns/repo"), "h:1");
    }

    #[test]
    fn newlines_are_trimmed_once() {
        assert_eq!(trim_newline("pw\n"), "pw");
        assert_eq!(trim_newline("pw\r\n"), "pw");
        assert_eq!(trim_newline("pw"), "pw");
        assert_eq!(trim_newline("pw\n\n"), "pw\n");
    }
}

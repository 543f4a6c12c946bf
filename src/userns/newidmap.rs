//! TEMP shim (replaced by the real module at merge).
use super::map::IdMaps;
pub struct CurrentUser {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}
pub fn current_user() -> std::io::Result<CurrentUser> {
    let uid = nix::unistd::getuid();
    let u = nix::unistd::User::from_uid(uid).ok().flatten();
    Ok(CurrentUser {
        name: u.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
        uid: uid.as_raw(),
        gid: nix::unistd::getgid().as_raw(),
    })
}
pub fn userns_disabled_hint() -> Option<String> {
    None
}
pub fn write_maps(pid: i32, maps: &IdMaps) -> std::io::Result<()> {
    for (tool, m) in [("newgidmap", &maps.gids), ("newuidmap", &maps.uids)] {
        let mut c = std::process::Command::new(tool);
        c.arg(pid.to_string());
        for e in m {
            c.arg(e.inside.to_string())
                .arg(e.outside.to_string())
                .arg(e.count.to_string());
        }
        let st = c.status()?;
        if !st.success() {
            return Err(std::io::Error::other(format!("{tool} failed")));
        }
    }
    Ok(())
}
pub fn render_error(e: std::io::Error) -> crate::error::Error {
    use crate::error::Context;
    Err::<(), _>(e).context("write id maps").unwrap_err()
}

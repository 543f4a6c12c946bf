//! The compiler: resolved syscall plans to a classic BPF program (`struct sock_filter`),
//! with a tiny assembler that handles jumps longer than 255 instructions.

use super::profile::{Action, ArgCond, Op, Profile};
use super::resolve::{resolve, ArchSpec, SyscallPlan, Target};
use super::{SeccompError, MAX_INSNS};

/// A compiled filter: the `struct sock_filter` program given to the kernel.
#[derive(Clone)]
pub struct SeccompProgram(pub Vec<libc::sock_filter>);

impl SeccompProgram {
    /// The instructions.
    pub fn instructions(&self) -> &[libc::sock_filter] {
        &self.0
    }
}

impl std::fmt::Debug for SeccompProgram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SeccompProgram({} instructions)", self.0.len())
    }
}
/// Compile a profile for this host, the container's effective capabilities (names such as
/// `CAP_SYS_ADMIN`) and the running kernel.
pub fn compile(profile: &Profile, caps: &[String]) -> Result<SeccompProgram, SeccompError> {
    compile_for(profile, caps, &Target::host()?)
}

/// Compile for an explicit target (pure).
pub fn compile_for(
    profile: &Profile,
    caps: &[String],
    target: &Target,
) -> Result<SeccompProgram, SeccompError> {
    let mut asm = Asm::default();
    let default_ret = asm.ret_label(profile.default_action);
    // An ABI the profile does not cover gets the default action: its numbers would mean
    // different syscalls.
    asm.load(OFF_ARCH);
    for arch in target.arches(profile) {
        let this = asm.label();
        let next = asm.label();
        asm.jump(JEQ, arch.audit_arch, this, next);
        asm.place(this);
        emit_arch(
            &mut asm,
            &resolve(profile, target, &arch, caps),
            &arch,
            default_ret,
        );
        asm.place(next);
    }
    asm.ja(default_ret);
    asm.emit_rets();
    let program = asm.assemble();
    if program.len() > MAX_INSNS {
        return Err(SeccompError::TooLong { len: program.len() });
    }
    Ok(SeccompProgram(program))
}

/// The code for one ABI: dispatch on the syscall number, then each syscall's rules.
fn emit_arch(asm: &mut Asm, plans: &[SyscallPlan], arch: &ArchSpec, default_ret: Label) {
    asm.load(OFF_NR);
    if let Some(bit) = arch.x32_bit {
        let native = asm.label();
        asm.jump(JGE, bit, default_ret, native);
        asm.place(native);
    }
    let bodies: Vec<(u32, Label)> = plans
        .iter()
        .map(|p| {
            let label = if p.conditional.is_empty() {
                asm.ret_label(p.fallback)
            } else {
                asm.label()
            };
            (p.nr, label)
        })
        .collect();
    // Runs of consecutive numbers with the same outcome become one range.
    let mut runs: Vec<(u32, u32, Label)> = Vec::new();
    for &(nr, label) in &bodies {
        match runs.last_mut() {
            Some((_, hi, l)) if *l == label && hi.checked_add(1) == Some(nr) => *hi = nr,
            _ => runs.push((nr, nr, label)),
        }
    }
    emit_tree(asm, &runs, default_ret);
    for (plan, (_, label)) in plans.iter().zip(&bodies) {
        if plan.conditional.is_empty() {
            continue;
        }
        asm.place(*label);
        for (conds, action) in &plan.conditional {
            let next_rule = asm.label();
            let pass = asm.ret_label(*action);
            for (k, cond) in conds.iter().enumerate() {
                let ok = if k + 1 == conds.len() {
                    pass
                } else {
                    asm.label()
                };
                emit_cond(asm, cond, ok, next_rule);
                if k + 1 != conds.len() {
                    asm.place(ok);
                }
            }
            asm.place(next_rule);
        }
        let fallback = asm.ret_label(plan.fallback);
        asm.ja(fallback);
    }
}

/// A binary search over sorted, disjoint ranges `lo..=hi` of syscall numbers; the
/// accumulator holds `nr`.
fn emit_tree(asm: &mut Asm, runs: &[(u32, u32, Label)], miss: Label) {
    if runs.len() <= 4 {
        // Ascending: past this range's end, try the next; else it is this range or a gap.
        for &(lo, hi, body) in runs {
            let next = asm.label();
            let inside = asm.label();
            asm.jump(JGT, hi, next, inside);
            asm.place(inside);
            asm.jump(JGE, lo, body, miss);
            asm.place(next);
        }
        asm.ja(miss);
        return;
    }
    let mid = runs.len() / 2;
    let upper = asm.label();
    let lower = asm.label();
    asm.jump(JGE, runs[mid].0, upper, lower);
    asm.place(lower);
    emit_tree(asm, &runs[..mid], miss);
    asm.place(upper);
    emit_tree(asm, &runs[mid..], miss);
}

/// Offsets in `struct seccomp_data`.
const OFF_NR: u32 = 0;
const OFF_ARCH: u32 = 4;
const OFF_ARGS: u32 = 16;

fn arg_offsets(index: u8) -> (u32, u32) {
    let base = OFF_ARGS + 8 * u32::from(index);
    if cfg!(target_endian = "little") {
        (base + 4, base)
    } else {
        (base, base + 4)
    }
}

/// A 64-bit comparison as two 32-bit word compares: high word first.
fn emit_cond(asm: &mut Asm, cond: &ArgCond, pass: Label, fail: Label) {
    let (hi_off, lo_off) = arg_offsets(cond.index);
    let (hi, lo) = ((cond.value >> 32) as u32, cond.value as u32);
    let low = asm.label();
    asm.load(hi_off);
    match cond.op {
        Op::Eq => asm.jump(JEQ, hi, low, fail),
        Op::Ne => asm.jump(JEQ, hi, low, pass),
        Op::Gt | Op::Ge => {
            let eq = asm.label();
            asm.jump(JGT, hi, pass, eq);
            asm.place(eq);
            asm.jump(JEQ, hi, low, fail);
        }
        Op::Lt | Op::Le => {
            let eq = asm.label();
            asm.jump(JGE, hi, eq, pass);
            asm.place(eq);
            asm.jump(JGT, hi, fail, low);
        }
        Op::MaskedEq => {
            let mask_hi = (cond.value >> 32) as u32;
            let want_hi = (cond.value_two >> 32) as u32;
            asm.and(mask_hi);
            asm.jump(JEQ, want_hi, low, fail);
        }
    }
    asm.place(low);
    asm.load(lo_off);
    match cond.op {
        Op::Eq => asm.jump(JEQ, lo, pass, fail),
        Op::Ne => asm.jump(JEQ, lo, fail, pass),
        Op::Gt => asm.jump(JGT, lo, pass, fail),
        Op::Ge => asm.jump(JGE, lo, pass, fail),
        Op::Lt => asm.jump(JGE, lo, fail, pass),
        Op::Le => asm.jump(JGT, lo, fail, pass),
        Op::MaskedEq => {
            asm.and(cond.value as u32);
            asm.jump(JEQ, cond.value_two as u32, pass, fail);
        }
    }
}

// ----- a tiny assembler with labels and long jumps -----

const BPF_LD_W_ABS: u16 = (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16;
const BPF_AND_K: u16 = (libc::BPF_ALU | libc::BPF_AND | libc::BPF_K) as u16;
const BPF_JA: u16 = (libc::BPF_JMP | libc::BPF_JA) as u16;
const BPF_RET_K: u16 = (libc::BPF_RET | libc::BPF_K) as u16;
const JEQ: u16 = (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16;
const JGT: u16 = (libc::BPF_JMP | libc::BPF_JGT | libc::BPF_K) as u16;
const JGE: u16 = (libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K) as u16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Label(usize);

#[derive(Debug, Clone, Copy)]
enum Item {
    Plain(libc::sock_filter),
    Jump {
        code: u16,
        k: u32,
        jt: Label,
        jf: Label,
    },
    Ja(Label),
    Place(Label),
}

#[derive(Default)]
struct Asm {
    items: Vec<Item>,
    labels: usize,
    /// One shared `ret` per distinct action.
    rets: Vec<(Action, Label)>,
}

fn insn(code: u16, jt: u8, jf: u8, k: u32) -> libc::sock_filter {
    libc::sock_filter { code, jt, jf, k }
}

impl Asm {
    fn label(&mut self) -> Label {
        self.labels += 1;
        Label(self.labels - 1)
    }

    fn ret_label(&mut self, action: Action) -> Label {
        if let Some((_, l)) = self.rets.iter().find(|(a, _)| *a == action) {
            return *l;
        }
        let l = self.label();
        self.rets.push((action, l));
        l
    }

    fn place(&mut self, label: Label) {
        self.items.push(Item::Place(label));
    }

    fn load(&mut self, offset: u32) {
        self.items
            .push(Item::Plain(insn(BPF_LD_W_ABS, 0, 0, offset)));
    }

    fn and(&mut self, mask: u32) {
        self.items.push(Item::Plain(insn(BPF_AND_K, 0, 0, mask)));
    }

    fn jump(&mut self, code: u16, k: u32, jt: Label, jf: Label) {
        self.items.push(Item::Jump { code, k, jt, jf });
    }

    fn ja(&mut self, target: Label) {
        self.items.push(Item::Ja(target));
    }

    fn emit_rets(&mut self) {
        for (action, label) in std::mem::take(&mut self.rets) {
            self.place(label);
            self.items
                .push(Item::Plain(insn(BPF_RET_K, 0, 0, action.ret_value())));
        }
    }

    /// Lay the program out. Conditional jumps reach at most 255 instructions ahead; one whose
    /// target is farther jumps to a `ja` trampoline placed right after it instead. Layout is
    /// repeated until no jump needs a new trampoline (trampolines only ever get added, so
    /// this ends).
    fn assemble(&self) -> Vec<libc::sock_filter> {
        // For each Jump item: (needs trampoline for jt, for jf).
        let mut far = vec![(false, false); self.items.len()];
        loop {
            let (pos, labels) = self.layout(&far);
            let mut changed = false;
            for (i, item) in self.items.iter().enumerate() {
                if let Item::Jump { jt, jf, .. } = item {
                    let after = pos[i] + 1;
                    if !far[i].0 && labels[jt.0] - after > 255 {
                        far[i].0 = true;
                        changed = true;
                    }
                    if !far[i].1 && labels[jf.0] - after > 255 {
                        far[i].1 = true;
                        changed = true;
                    }
                }
            }
            if !changed {
                return self.encode(&far, &pos, &labels);
            }
        }
    }

    fn layout(&self, far: &[(bool, bool)]) -> (Vec<usize>, Vec<usize>) {
        let mut pos = Vec::with_capacity(self.items.len());
        let mut labels = vec![usize::MAX; self.labels];
        let mut at = 0;
        for (i, item) in self.items.iter().enumerate() {
            pos.push(at);
            match item {
                Item::Place(l) => labels[l.0] = at,
                Item::Jump { .. } => at += 1 + usize::from(far[i].0) + usize::from(far[i].1),
                Item::Plain(_) | Item::Ja(_) => at += 1,
            }
        }
        (pos, labels)
    }

    fn encode(
        &self,
        far: &[(bool, bool)],
        pos: &[usize],
        labels: &[usize],
    ) -> Vec<libc::sock_filter> {
        let mut out = Vec::new();
        for (i, item) in self.items.iter().enumerate() {
            match *item {
                Item::Place(_) => {}
                Item::Plain(f) => out.push(f),
                Item::Ja(target) => {
                    let off = labels[target.0] - (pos[i] + 1);
                    out.push(insn(BPF_JA, 0, 0, off as u32));
                }
                Item::Jump { code, k, jt, jf } => {
                    let (ft, ff) = far[i];
                    let after = pos[i] + 1;
                    // Trampolines sit at `after` (jt's, if any) then jf's.
                    let t_slot = after;
                    let f_slot = after + usize::from(ft);
                    let jt_off = if ft { 0 } else { labels[jt.0] - after };
                    let jf_off = if ff {
                        f_slot - after
                    } else {
                        labels[jf.0] - after
                    };
                    out.push(insn(code, jt_off as u8, jf_off as u8, k));
                    if ft {
                        out.push(insn(BPF_JA, 0, 0, (labels[jt.0] - (t_slot + 1)) as u32));
                    }
                    if ff {
                        out.push(insn(BPF_JA, 0, 0, (labels[jf.0] - (f_slot + 1)) as u32));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::str::FromStr;

    use super::super::profile::{builtin_profile, load_profile, parse_profile, ProfileSource};
    use super::super::resolve::{
        lookup_aarch64, lookup_arm, lookup_x86, lookup_x86_64, AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM,
        AUDIT_ARCH_I386, AUDIT_ARCH_X86_64,
    };
    use super::*;

    /// `struct seccomp_data` as the filter sees it.
    struct Data {
        nr: u32,
        arch: u32,
        args: [u64; 6],
    }

    impl Data {
        fn word(&self, off: u32) -> u32 {
            match off {
                0 => self.nr,
                4 => self.arch,
                8 | 12 => 0,
                o if (16..64).contains(&o) && o % 4 == 0 => {
                    let arg = self.args[((o - 16) / 8) as usize];
                    let high = (o - 16) % 8 == 4;
                    if high == cfg!(target_endian = "little") {
                        (arg >> 32) as u32
                    } else {
                        arg as u32
                    }
                }
                o => panic!("load from bad offset {o}"),
            }
        }
    }

    /// A classic-BPF interpreter covering what the compiler emits, checking what the kernel's
    /// verifier checks (forward jumps in range, ending in ret).
    fn run(prog: &SeccompProgram, data: &Data) -> u32 {
        let p = prog.instructions();
        let mut pc = 0usize;
        let mut a: u32 = 0;
        let mut steps = 0;
        loop {
            steps += 1;
            assert!(steps <= p.len(), "no progress");
            let i = p.get(pc).unwrap_or_else(|| panic!("pc {pc} out of range"));
            let code = i.code;
            pc += 1;
            match code {
                BPF_LD_W_ABS => a = data.word(i.k),
                BPF_AND_K => a &= i.k,
                BPF_JA => pc += i.k as usize,
                BPF_RET_K => return i.k,
                JEQ | JGT | JGE => {
                    let taken = match code {
                        JEQ => a == i.k,
                        JGT => a > i.k,
                        _ => a >= i.k,
                    };
                    pc += usize::from(if taken { i.jt } else { i.jf });
                }
                other => panic!("unexpected opcode {other:#x}"),
            }
        }
    }

    fn nr(name: &str) -> u32 {
        syscalls::Sysno::from_str(name).unwrap().id() as u32
    }

    fn call(prog: &SeccompProgram, name: &str, args: [u64; 6]) -> u32 {
        let target = Target::native((6, 18)).unwrap();
        run(
            prog,
            &Data {
                nr: nr(name),
                arch: target.native.audit_arch,
                args,
            },
        )
    }

    const ALLOW: u32 = 0x7fff_0000;
    fn errno(e: i32) -> u32 {
        0x0005_0000 | e as u32
    }

    fn default_caps() -> Vec<String> {
        [
            "CAP_CHOWN",
            "CAP_DAC_OVERRIDE",
            "CAP_FOWNER",
            "CAP_FSETID",
            "CAP_KILL",
            "CAP_NET_BIND_SERVICE",
            "CAP_SETFCAP",
            "CAP_SETGID",
            "CAP_SETPCAP",
            "CAP_SETUID",
            "CAP_SYS_CHROOT",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn containers_profile() -> Option<Profile> {
        let path = Path::new("/usr/share/containers/seccomp.json");
        if !path.exists() {
            eprintln!("skip: {} is not installed", path.display());
            return None;
        }
        Some(load_profile(Some(path)).unwrap())
    }

    fn compile_native(profile: &Profile, caps: &[String]) -> SeccompProgram {
        compile_for(profile, caps, &Target::native((6, 18)).unwrap()).unwrap()
    }

    #[test]
    fn containers_default_profile() {
        let Some(profile) = containers_profile() else {
            return;
        };
        let prog = compile_native(&profile, &default_caps());
        assert!(prog.instructions().len() < MAX_INSNS);
        assert_eq!(call(&prog, "read", [0; 6]), ALLOW);
        assert_eq!(call(&prog, "execve", [0; 6]), ALLOW);
        assert_eq!(call(&prog, "kexec_load", [0; 6]), errno(libc::EPERM));
        assert_eq!(call(&prog, "bpf", [0; 6]), errno(libc::EPERM));
        assert_eq!(call(&prog, "chroot", [0; 6]), ALLOW);
        // personality: allowed for listed values only.
        assert_eq!(call(&prog, "personality", [8, 0, 0, 0, 0, 0]), ALLOW);
        assert_eq!(
            call(&prog, "personality", [0xffff_ffff, 0, 0, 0, 0, 0]),
            ALLOW
        );
        assert_eq!(
            call(&prog, "personality", [0x0040_0000, 0, 0, 0, 0, 0]),
            errno(libc::ENOSYS)
        );
        assert_eq!(
            call(&prog, "personality", [(1 << 32) | 8, 0, 0, 0, 0, 0]),
            errno(libc::ENOSYS)
        );
        // socket(AF_NETLINK, _, NETLINK_AUDIT) without CAP_AUDIT_WRITE.
        assert_eq!(
            call(&prog, "socket", [16, 3, 9, 0, 0, 0]),
            errno(libc::EINVAL)
        );
        assert_eq!(call(&prog, "socket", [16, 3, 0, 0, 0, 0]), ALLOW);
        assert_eq!(call(&prog, "socket", [2, 1, 9, 0, 0, 0]), ALLOW);
    }

    #[test]
    fn capabilities_change_the_outcome() {
        let Some(profile) = containers_profile() else {
            return;
        };
        let mut caps = default_caps();
        caps.push("CAP_SYS_ADMIN".into());
        caps.push("audit_write".into());
        let prog = compile_native(&profile, &caps);
        assert_eq!(call(&prog, "bpf", [0; 6]), ALLOW);
        assert_eq!(call(&prog, "socket", [16, 3, 9, 0, 0, 0]), ALLOW);
        let without_chroot: Vec<String> = default_caps()
            .into_iter()
            .filter(|c| c != "CAP_SYS_CHROOT")
            .collect();
        let prog = compile_native(&profile, &without_chroot);
        assert_eq!(call(&prog, "chroot", [0; 6]), errno(libc::EPERM));
    }

    fn raw_call(prog: &SeccompProgram, arch: u32, nr: u32, args: [u64; 6]) -> u32 {
        run(prog, &Data { nr, arch, args })
    }

    #[test]
    fn compat_and_foreign_arches() {
        let Some(profile) = containers_profile() else {
            return;
        };
        let caps = default_caps();
        let target = Target::x86_64((6, 18));
        let prog = compile_for(&profile, &caps, &target).unwrap();
        // i386 is in the profile's archMap: filtered with i386 numbers.
        let i386 = |name: &str| lookup_x86(name).unwrap();
        assert_eq!(
            raw_call(&prog, AUDIT_ARCH_I386, i386("read"), [0; 6]),
            ALLOW
        );
        assert_eq!(
            raw_call(&prog, AUDIT_ARCH_I386, i386("socketcall"), [0; 6]),
            ALLOW
        );
        assert_eq!(
            raw_call(&prog, AUDIT_ARCH_I386, i386("kexec_load"), [0; 6]),
            errno(libc::EPERM)
        );
        // arch_prctl exists only on x86_64.
        assert_eq!(
            raw_call(
                &prog,
                AUDIT_ARCH_X86_64,
                lookup_x86_64("arch_prctl").unwrap(),
                [0; 6]
            ),
            ALLOW
        );
        // A foreign arch and the x32 ABI get the default action.
        assert_eq!(
            raw_call(&prog, AUDIT_ARCH_ARM, 3, [0; 6]),
            errno(libc::ENOSYS)
        );
        let read = lookup_x86_64("read").unwrap();
        assert_eq!(
            raw_call(&prog, AUDIT_ARCH_X86_64, read | 0x4000_0000, [0; 6]),
            errno(libc::ENOSYS)
        );
        // A profile that does not list i386 leaves it to the default action.
        let plain = profile_json(
            r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}"#,
        );
        let prog = compile_for(&plain, &caps, &target).unwrap();
        assert_eq!(raw_call(&prog, AUDIT_ARCH_X86_64, read, [0; 6]), ALLOW);
        assert_eq!(
            raw_call(&prog, AUDIT_ARCH_I386, i386("read"), [0; 6]),
            errno(libc::EPERM)
        );
    }

    /// What the resolved plans say, computed directly in Rust.
    fn reference(plans: &[SyscallPlan], default: Action, nr: u32, args: &[u64; 6]) -> u32 {
        let Some(plan) = plans.iter().find(|p| p.nr == nr) else {
            return default.ret_value();
        };
        for (conds, action) in &plan.conditional {
            let all = conds.iter().all(|c| {
                let a = args[usize::from(c.index)];
                match c.op {
                    Op::Eq => a == c.value,
                    Op::Ne => a != c.value,
                    Op::Lt => a < c.value,
                    Op::Le => a <= c.value,
                    Op::Gt => a > c.value,
                    Op::Ge => a >= c.value,
                    Op::MaskedEq => a & c.value == c.value_two,
                }
            });
            if all {
                return action.ret_value();
            }
        }
        plan.fallback.ret_value()
    }

    #[test]
    fn every_syscall_number_matches_the_reference() {
        let Some(profile) = containers_profile() else {
            return;
        };
        let arg_sets = [
            [0u64; 6],
            [8, 0, 9, 0, 0, 0],
            [16, 3, 9, 0, 0, 0],
            [0xffff_ffff; 6],
        ];
        for caps in [default_caps(), Vec::new()] {
            for target in [Target::x86_64((6, 18)), Target::aarch64((6, 18))] {
                let prog = compile_for(&profile, &caps, &target).unwrap();
                for arch in target.arches(&profile) {
                    let plans = resolve(&profile, &target, &arch, &caps);
                    for nr in 0..1100 {
                        for args in &arg_sets {
                            assert_eq!(
                                raw_call(&prog, arch.audit_arch, nr, *args),
                                reference(&plans, profile.default_action, nr, args),
                                "{} nr {nr} args {args:?}",
                                arch.scmp_arch
                            );
                        }
                    }
                }
            }
        }
        let builtin = builtin_profile();
        let target = Target::x86_64((6, 18));
        let prog = compile_for(&builtin, &[], &target).unwrap();
        for arch in target.arches(&builtin) {
            let plans = resolve(&builtin, &target, &arch, &[]);
            for nr in 0..1100 {
                let args = [0x1000_0000, 0x1000_0000, 0, 0, 0, 0];
                assert_eq!(
                    raw_call(&prog, arch.audit_arch, nr, args),
                    reference(&plans, builtin.default_action, nr, &args)
                );
            }
        }
    }

    #[test]
    fn compiles_for_aarch64() {
        let Some(profile) = containers_profile() else {
            return;
        };
        let prog = compile_for(&profile, &default_caps(), &Target::aarch64((6, 18))).unwrap();
        let a64 = |name: &str| lookup_aarch64(name).unwrap();
        assert_eq!(
            raw_call(&prog, AUDIT_ARCH_AARCH64, a64("read"), [0; 6]),
            ALLOW
        );
        assert_eq!(
            raw_call(&prog, AUDIT_ARCH_AARCH64, a64("kexec_load"), [0; 6]),
            errno(libc::EPERM)
        );
        assert_eq!(
            raw_call(
                &prog,
                AUDIT_ARCH_AARCH64,
                a64("personality"),
                [8, 0, 0, 0, 0, 0]
            ),
            ALLOW
        );
        assert_eq!(
            raw_call(
                &prog,
                AUDIT_ARCH_AARCH64,
                a64("personality"),
                [9, 0, 0, 0, 0, 0]
            ),
            errno(libc::ENOSYS)
        );
        let arm = |name: &str| lookup_arm(name).unwrap();
        assert_eq!(raw_call(&prog, AUDIT_ARCH_ARM, arm("read"), [0; 6]), ALLOW);
        assert_eq!(
            raw_call(&prog, AUDIT_ARCH_ARM, arm("arm_fadvise64_64"), [0; 6]),
            ALLOW
        );
        assert_eq!(
            raw_call(&prog, AUDIT_ARCH_X86_64, 0, [0; 6]),
            errno(libc::ENOSYS)
        );
    }

    #[test]
    fn builtin_profile_denies_dangerous_calls() {
        let profile = builtin_profile();
        let prog = compile_native(&profile, &default_caps());
        assert_eq!(call(&prog, "read", [0; 6]), ALLOW);
        assert_eq!(call(&prog, "kexec_load", [0; 6]), errno(libc::EPERM));
        assert_eq!(call(&prog, "keyctl", [0; 6]), errno(libc::EPERM));
        let newuser = libc::CLONE_NEWUSER as u64;
        assert_eq!(
            call(&prog, "unshare", [newuser | 0x20000, 0, 0, 0, 0, 0]),
            errno(libc::EPERM)
        );
        assert_eq!(call(&prog, "unshare", [0x20000, 0, 0, 0, 0, 0]), ALLOW);
        assert_eq!(call(&prog, "clone", [0x11, 0, 0, 0, 0, 0]), ALLOW);
        assert_eq!(call(&prog, "clone3", [0; 6]), errno(libc::ENOSYS));
        // The compat ABI cannot bypass the denylist.
        if cfg!(target_arch = "x86_64") {
            let nr = lookup_x86("kexec_load").unwrap();
            assert_eq!(
                raw_call(&prog, AUDIT_ARCH_I386, nr, [0; 6]),
                errno(libc::EPERM)
            );
        }
        let mut caps = default_caps();
        caps.push("CAP_SYS_ADMIN".into());
        let prog = compile_native(&profile, &caps);
        assert_eq!(call(&prog, "unshare", [newuser, 0, 0, 0, 0, 0]), ALLOW);
    }

    fn profile_json(json: &str) -> Profile {
        parse_profile(json, ProfileSource::File("t.json".into())).unwrap()
    }

    #[test]
    fn all_operators_compare_64_bit_values() {
        let ops = [
            ("SCMP_CMP_EQ", 0u64),
            ("SCMP_CMP_NE", 1),
            ("SCMP_CMP_LT", 2),
            ("SCMP_CMP_LE", 3),
            ("SCMP_CMP_GT", 4),
            ("SCMP_CMP_GE", 5),
        ];
        let value: u64 = 0x0000_0001_8000_0000;
        let samples = [
            0u64,
            value - 1,
            value,
            value + 1,
            0x0000_0002_0000_0000,
            0x0000_0001_0000_0000,
            0xffff_ffff,
            u64::MAX,
        ];
        for (op, index) in ops {
            let json = format!(
                r#"{{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{{"names":["getpid"],"action":"SCMP_ACT_ERRNO","errnoRet":7,"args":[{{"index":{index},"value":{value},"op":"{op}"}}]}}]}}"#
            );
            let prog = compile_native(&profile_json(&json), &[]);
            for s in samples {
                let mut args = [0u64; 6];
                args[index as usize] = s;
                let hit = match op {
                    "SCMP_CMP_EQ" => s == value,
                    "SCMP_CMP_NE" => s != value,
                    "SCMP_CMP_LT" => s < value,
                    "SCMP_CMP_LE" => s <= value,
                    "SCMP_CMP_GT" => s > value,
                    _ => s >= value,
                };
                let want = if hit { errno(7) } else { ALLOW };
                assert_eq!(call(&prog, "getpid", args), want, "{op} {s:#x}");
            }
        }
        let json = r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getpid"],"action":"SCMP_ACT_KILL_PROCESS","args":[{"index":1,"value":18446744069414584335,"valueTwo":4294967297,"op":"SCMP_CMP_MASKED_EQ"}]}]}"#;
        // mask 0xffff_ffff_0000_000f, want 0x1_0000_0001
        let prog = compile_native(&profile_json(json), &[]);
        assert_eq!(
            call(&prog, "getpid", [0, 0x1_0000_00f1, 0, 0, 0, 0]),
            0x8000_0000
        );
        assert_eq!(call(&prog, "getpid", [0, 0x1_0000_00f2, 0, 0, 0, 0]), ALLOW);
        assert_eq!(call(&prog, "getpid", [0, 0x3_0000_0001, 0, 0, 0, 0]), ALLOW);
    }

    #[test]
    fn long_jumps_stay_correct() {
        // Many conditional rules on one syscall push later code far beyond 255 instructions.
        let mut rules = Vec::new();
        for v in 0..200 {
            rules.push(format!(
                r#"{{"names":["write"],"action":"SCMP_ACT_ERRNO","errnoRet":{},"args":[{{"index":0,"value":{v},"op":"SCMP_CMP_EQ"}},{{"index":1,"value":{v},"op":"SCMP_CMP_GE"}}]}}"#,
                v + 1
            ));
        }
        rules.push(
            r#"{"names":["read","close","openat","getpid","mmap"],"action":"SCMP_ACT_TRAP"}"#
                .into(),
        );
        let json = format!(
            r#"{{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{}]}}"#,
            rules.join(",")
        );
        let prog = compile_native(&profile_json(&json), &[]);
        assert!(prog.instructions().len() > 600);
        assert_eq!(call(&prog, "write", [150, 150, 0, 0, 0, 0]), errno(151));
        assert_eq!(call(&prog, "write", [199, 300, 0, 0, 0, 0]), errno(200));
        assert_eq!(call(&prog, "write", [150, 149, 0, 0, 0, 0]), ALLOW);
        assert_eq!(call(&prog, "close", [0; 6]), 0x0003_0000);
        assert_eq!(call(&prog, "mmap", [0; 6]), 0x0003_0000);
        assert_eq!(call(&prog, "getppid", [0; 6]), ALLOW);
    }

    #[test]
    fn filters_by_arch_and_kernel() {
        let json = r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
            {"names":["getpid"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"7.1"}},
            {"names":["getppid"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"5.4"}},
            {"names":["gettid"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["s390x"]}},
            {"names":["getuid", "no_such_syscall"],"action":"SCMP_ACT_LOG","excludes":{"arches":["s390x"]}}
        ]}"#;
        let prog = compile_native(&profile_json(json), &[]);
        assert_eq!(call(&prog, "getpid", [0; 6]), errno(libc::EPERM));
        assert_eq!(call(&prog, "getppid", [0; 6]), ALLOW);
        assert_eq!(call(&prog, "gettid", [0; 6]), errno(libc::EPERM));
        assert_eq!(call(&prog, "getuid", [0; 6]), 0x7ffc_0000);
    }

    /// Runs in a child process (see `installed_filter_denies_getcwd`): install a filter and
    /// check the kernel applies it.
    #[test]
    fn child_installs_filter() {
        if std::env::var_os("BERTH_SECCOMP_CHILD").is_none() {
            return;
        }
        let json = r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getcwd"],"action":"SCMP_ACT_ERRNO","errnoRet":109}]}"#;
        let prog = compile(&profile_json(json), &[]).unwrap();
        nix::sys::prctl::set_no_new_privs().unwrap();
        crate::sys::seccomp::install(prog.instructions()).unwrap();
        let err = std::env::current_dir().unwrap_err();
        assert_eq!(err.raw_os_error(), Some(109));
    }

    #[test]
    fn installed_filter_denies_getcwd() {
        if std::env::var_os("BERTH_SECCOMP_CHILD").is_some() {
            return;
        }
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new(exe)
            .args([
                "--exact",
                "seccomp::bpf::tests::child_installs_filter",
                "--test-threads=1",
                "--nocapture",
            ])
            .env("BERTH_SECCOMP_CHILD", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "child failed: {}\n{}",
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

package dev.tether.instrument;

import dev.tether.core.SpawnHooks;
import java.util.Map;

/**
 * {@link SpawnHooks} as the bridge sees them. A class of its own because it names
 * {@code java.lang.TetherBridge.Hooks}, which exists only once BridgeInstaller has defined it: loading
 * this class any earlier would fail.
 */
final class BridgeHooks implements TetherBridge.Hooks {
    private final SpawnHooks hooks;

    private BridgeHooks(SpawnHooks hooks) {
        this.hooks = hooks;
    }

    /** @return whether the bridge is now connected to {@code hooks} (false: something connected it before) */
    static boolean connect(SpawnHooks hooks) {
        return TetherBridge.connect(new BridgeHooks(hooks));
    }

    @Override
    public String[] command(String[] cmdarray, Map<String, String> env, String dir, ProcessBuilder.Redirect[] redirects,
            Object launchMechanism) {
        return hooks.command(cmdarray, env, dir, redirects, launchMechanism);
    }

    @Override
    public byte[] helperPath(byte[] jdkHelperPath) {
        return hooks.helperPath(jdkHelperPath);
    }

    @Override
    public void started(int pid) {
        hooks.started(pid);
    }

    @Override
    public void destroying(int pid, boolean force) {
        hooks.destroying(pid, force);
    }
}

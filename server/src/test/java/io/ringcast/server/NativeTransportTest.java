package io.ringcast.server;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;

class NativeTransportTest
{
    @Test
    void shouldBundleNettysEpollLibraryForLinuxX86()
    {
        assertNotNull(getClass().getClassLoader().getResource("META-INF/native/libnetty_transport_native_epoll_x86_64.so"),
            "netty-transport-native-epoll (linux-x86_64) on the server's runtime class path");
    }
}

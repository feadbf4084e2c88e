package io.connlistener;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the core's module descriptor: the API packages are exported, the internals are
 * not, and the core needs nothing but the JDK.
 */
class ModuleDescriptorTests {

	@Test
	void exportsTheApiPackagesOnlyAndRequiresNothingButJavaBase() {
		ModuleDescriptor descriptor = ModuleFinder.of(Path.of("target", "classes"))
			.find("io.connlistener.core")
			.orElseThrow()
			.descriptor();
		assertThat(descriptor.exports()).filteredOn((exports) -> !exports.isQualified())
			.extracting(Exports::source)
			.containsExactlyInAnyOrder("io.connlistener", "io.connlistener.admission", "io.connlistener.buffer",
					"io.connlistener.framing", "io.connlistener.loop", "io.connlistener.proxy", "io.connlistener.tls");
		assertThat(descriptor.packages()).contains("io.connlistener.internal", "io.connlistener.internal.accept",
				"io.connlistener.internal.framing");
		assertThat(descriptor.requires()).extracting(Requires::name).containsExactly("java.base");
	}

}

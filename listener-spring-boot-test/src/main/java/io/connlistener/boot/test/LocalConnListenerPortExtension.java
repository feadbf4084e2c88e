package io.connlistener.boot.test;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ModifierSupport;

import org.springframework.core.convert.ConversionException;
import org.springframework.core.env.Environment;
import org.springframework.test.context.junit.jupiter.SpringExtension;
import org.springframework.util.ClassUtils;

/**
 * Resolves {@link LocalConnListenerPort} on the fields and parameters of a Spring test
 * class, from the environment of the test's application context, which
 * {@link SpringExtension} loads (or takes from its cache) when first asked.
 */
final class LocalConnListenerPortExtension implements TestInstancePostProcessor, ParameterResolver {

	@Override
	public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws Exception {
		for (Field field : AnnotationSupport.findAnnotatedFields(testInstance.getClass(), LocalConnListenerPort.class)) {
			if (ModifierSupport.isStatic(field) || Modifier.isFinal(field.getModifiers())) {
				// A static field would keep the port of a context that is gone.
				throw new ExtensionConfigurationException("@LocalConnListenerPort cannot set " + field
						+ ": use an instance field that is not final, or a parameter");
			}
			field.setAccessible(true);
			field.set(testInstance, port(field, field.getType(), context));
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.isAnnotated(LocalConnListenerPort.class);
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return port(parameterContext.getParameter(), parameterContext.getParameter().getType(), extensionContext);
	}

	private static Object port(AnnotatedElement element, Class<?> type, ExtensionContext context) {
		String listener = AnnotationSupport.findAnnotation(element, LocalConnListenerPort.class).orElseThrow().value();
		Environment environment = SpringExtension.getApplicationContext(context).getEnvironment();
		String property = ListenerAddresses.portProperty(listener);
		if (!environment.containsProperty(property)) {
			throw ListenerAddresses.noPort(environment, listener);
		}
		try {
			return environment.getRequiredProperty(property, ClassUtils.resolvePrimitiveIfNecessary(type));
		}
		catch (ConversionException ex) {
			throw new ExtensionConfigurationException("@LocalConnListenerPort(\"" + listener + "\") cannot set "
					+ element + ": a port does not convert to " + type.getName(), ex);
		}
	}

}

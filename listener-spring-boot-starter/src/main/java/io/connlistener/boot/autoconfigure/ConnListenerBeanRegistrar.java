package io.connlistener.boot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.connlistener.boot.autoconfigure.ConnListenerProperties.Listener;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ManagedConnListener;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers a bean {@code <name>ConnListener} for each listener configured under
 * {@code conn-listener.listeners}. The bean is the registry's {@link ManagedConnListener}:
 * creating it binds nothing. A bean of the same name that the application defines wins.
 */
final class ConnListenerBeanRegistrar implements ImportBeanDefinitionRegistrar {

	/**
	 * Suffix of each listener's bean name.
	 */
	static final String BEAN_NAME_SUFFIX = "ConnListener";

	private final Environment environment;

	private final BeanFactory beanFactory;

	ConnListenerBeanRegistrar(Environment environment, BeanFactory beanFactory) {
		this.environment = environment;
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		// Bound as the properties are, so that a listener whose keys are all empty is one too.
		Map<String, Listener> listeners = new LinkedHashMap<>();
		Binder.get(this.environment)
			.bind(ConnListenerProperties.PREFIX + ".listeners",
					Bindable.mapOf(String.class, Listener.class).withExistingValue(listeners),
					new EmptyValueBindHandler(BindHandler.DEFAULT, this.environment));
		for (String name : listeners.keySet()) {
			String beanName = name + BEAN_NAME_SUFFIX;
			if (!registry.containsBeanDefinition(beanName)) {
				RootBeanDefinition definition = new RootBeanDefinition(ManagedConnListener.class,
						() -> this.beanFactory.getBean(ConnListenerRegistry.class).get(name));
				registry.registerBeanDefinition(beanName, definition);
			}
		}
	}

}

package io.connlistener.boot.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.connlistener.boot.autoconfigure.ConnListenerProperties.Listener;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ManagedConnListener;

import org.springframework.beans.factory.config.RuntimeBeanReference;
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
 * <p>
 * Each definition names a static factory method and the listener's name as its argument,
 * so that AOT processing can write code for it (it refuses an instance supplier). An
 * AOT-processed application registers the definitions written at build time instead of
 * running this registrar: the names are fixed then, and {@link ListenerBeanSet} checks them
 * against the listeners configured at run time before any listener bean is created.
 */
final class ConnListenerBeanRegistrar implements ImportBeanDefinitionRegistrar {

	/**
	 * Suffix of each listener's bean name.
	 */
	static final String BEAN_NAME_SUFFIX = "ConnListener";

	/**
	 * Name of the {@link ListenerBeanSet} bean.
	 */
	static final String BEAN_SET_BEAN_NAME = "connListenerBeanSet";

	private final Environment environment;

	ConnListenerBeanRegistrar(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		// Bound as the properties are, so that a listener whose keys are all empty is one too.
		Map<String, Listener> listeners = new LinkedHashMap<>();
		Binder.get(this.environment)
			.bind(ConnListenerProperties.PREFIX + ".listeners",
					Bindable.mapOf(String.class, Listener.class).withExistingValue(listeners),
					new EmptyValueBindHandler(BindHandler.DEFAULT, this.environment));
		List<String> names = new ArrayList<>(listeners.keySet());
		registry.registerBeanDefinition(BEAN_SET_BEAN_NAME, beanSetDefinition(names));
		for (String name : names) {
			String beanName = name + BEAN_NAME_SUFFIX;
			if (!registry.containsBeanDefinition(beanName)) {
				registry.registerBeanDefinition(beanName, listenerDefinition(name));
			}
		}
	}

	private static RootBeanDefinition beanSetDefinition(List<String> names) {
		RootBeanDefinition definition = new RootBeanDefinition(ListenerBeanSet.class);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, names);
		definition.getConstructorArgumentValues()
			.addIndexedArgumentValue(1, new RuntimeBeanReference(ConnListenerProperties.class));
		return definition;
	}

	private static RootBeanDefinition listenerDefinition(String name) {
		RootBeanDefinition definition = new RootBeanDefinition(ConnListenerBeanRegistrar.class);
		definition.setFactoryMethodName("listener");
		definition.setTargetType(ManagedConnListener.class);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, name);
		definition.getConstructorArgumentValues()
			.addIndexedArgumentValue(1, new RuntimeBeanReference(ConnListenerRegistry.class));
		// The check comes first: a listener the run does not configure has no listener to return.
		definition.setDependsOn(BEAN_SET_BEAN_NAME);
		return definition;
	}

	/**
	 * Return a listener of the registry: the factory method of each listener bean.
	 * @param name the listener's name
	 * @param registry the application's listeners
	 * @return the listener
	 */
	static ManagedConnListener listener(String name, ConnListenerRegistry registry) {
		return registry.get(name);
	}

}

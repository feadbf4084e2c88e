package io.connlistener.boot.handler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.Order;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * Finds the beans annotated with {@link ConnectionHandler}, on their class or on their
 * {@code @Bean} method, in {@link Order @Order} order.
 * <p>
 * It asks the bean factory, so it needs nothing of its own under AOT: a definition that AOT
 * processing wrote still names the bean's class and its factory method, where the
 * annotation is found.
 */
public final class ConnectionHandlerDiscoverer {

	private final ListableBeanFactory beanFactory;

	/**
	 * Create a discoverer.
	 * @param beanFactory where to look
	 */
	public ConnectionHandlerDiscoverer(ListableBeanFactory beanFactory) {
		Assert.notNull(beanFactory, "'beanFactory' must not be null");
		this.beanFactory = beanFactory;
	}

	/**
	 * Find every handler, creating the handler beans.
	 * @return the handlers, ordered by {@link Ordered} or {@link Order @Order}, then by bean
	 * name
	 */
	public List<DiscoveredHandler> discover() {
		List<DiscoveredHandler> handlers = new ArrayList<>();
		for (String beanName : this.beanFactory.getBeanNamesForAnnotation(ConnectionHandler.class)) {
			ConnectionHandler annotation = this.beanFactory.findAnnotationOnBean(beanName, ConnectionHandler.class);
			if (annotation != null) {
				Object handler = this.beanFactory.getBean(beanName);
				handlers.add(new DiscoveredHandler(annotation.value(), beanName, handler, order(beanName, handler),
						declaredType(beanName, handler)));
			}
		}
		handlers.sort(Comparator.comparingInt(DiscoveredHandler::order).thenComparing(DiscoveredHandler::beanName));
		return handlers;
	}

	/**
	 * Return the type the bean was declared with: its {@code @Bean} method's return type
	 * (generics included, which a lambda's class does not carry) or its class.
	 */
	private ResolvableType declaredType(String beanName, Object handler) {
		ResolvableType type = ResolvableType.NONE;
		if (this.beanFactory instanceof ConfigurableListableBeanFactory configurable
				&& configurable.containsBeanDefinition(beanName)) {
			type = configurable.getMergedBeanDefinition(beanName).getResolvableType();
		}
		return (type.resolve() != null) ? type : ResolvableType.forClass(ClassUtils.getUserClass(handler));
	}

	private int order(String beanName, Object handler) {
		if (handler instanceof Ordered ordered) {
			return ordered.getOrder();
		}
		Order order = this.beanFactory.findAnnotationOnBean(beanName, Order.class);
		return (order != null) ? order.value() : Ordered.LOWEST_PRECEDENCE;
	}

	/**
	 * A bean annotated with {@link ConnectionHandler}.
	 *
	 * @param listenerName the listener the annotation names
	 * @param beanName the bean's name
	 * @param handler the bean
	 * @param order the bean's order
	 * @param declaredType the type the bean was declared with: its {@code @Bean} method's
	 * return type, or its class
	 */
	public record DiscoveredHandler(String listenerName, String beanName, Object handler, int order,
			ResolvableType declaredType) {
	}

}

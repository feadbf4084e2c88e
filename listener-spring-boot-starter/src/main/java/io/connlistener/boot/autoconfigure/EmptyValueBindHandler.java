package io.connlistener.boot.autoconfigure;

import java.util.Collection;
import java.util.Map;

import io.connlistener.boot.autoconfigure.ConnListenerProperties.Listener;

import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Bindable.BindRestriction;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Binds an empty value under {@code conn-listener}, such as a YAML key without a value or
 * {@code --conn-listener.listeners.echo.port=} to clear one, as a value that is not set:
 * the property keeps what it holds, its default, and a listener whose keys are all empty
 * (or that has none, {@code echo:} alone) is a listener that sets nothing. Boot would bind
 * such values as {@code null}, drop a listener left with nothing bound, and report the keys
 * as unknown. An empty list stays an empty list, as Boot binds it, so that a listener can
 * clear a list it would take from the defaults.
 */
final class EmptyValueBindHandler extends AbstractBindHandler {

	private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(ConnListenerProperties.PREFIX);

	private static final ConfigurationPropertyName LISTENERS = ROOT.append("listeners");

	private final PlaceholdersResolver placeholders;

	EmptyValueBindHandler(BindHandler parent, Environment environment) {
		super(parent);
		this.placeholders = new PropertySourcesPlaceholdersResolver(environment);
	}

	@Override
	public <T> Bindable<T> onStart(ConfigurationPropertyName name, Bindable<T> target, BindContext context) {
		Bindable<T> started = super.onStart(name, target, context);
		if (started == null || target.getValue() == null) {
			// A map entry, a new listener, has no value yet: see onFailure.
			return started;
		}
		if (name.equals(LISTENERS) && target.getValue().get() instanceof Map<?, ?> listeners) {
			addEveryNamedListener(listeners, context);
		}
		if (!isList(target) && isEmpty(name, context)) {
			markKnown(name, target, context);
			// Ignoring the value binds nothing, so the property keeps what it holds.
			return started.withBindRestrictions(BindRestriction.NO_DIRECT_PROPERTY);
		}
		return started;
	}

	@Override
	public Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Exception error)
			throws Exception {
		// An empty value that does not convert (a listener, a map) binds nothing either.
		if (isEmpty(name, context)) {
			markKnown(name, target, context);
			return (target.getValue() != null) ? target.getValue().get() : null;
		}
		return super.onFailure(name, target, context, error);
	}

	/**
	 * Put a listener that sets nothing under every listener name the sources hold, ahead of
	 * binding, so that one whose keys bind nothing is still there for the checks that name
	 * what it lacks. Listeners that bind replace theirs, in the same order.
	 */
	@SuppressWarnings("unchecked")
	private static void addEveryNamedListener(Map<?, ?> listeners, BindContext context) {
		int index = LISTENERS.getNumberOfElements();
		for (ConfigurationPropertySource source : context.getSources()) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				for (ConfigurationPropertyName candidate : iterable.filter(LISTENERS::isAncestorOf)) {
					((Map<String, Object>) listeners).putIfAbsent(candidate.getElement(index, Form.ORIGINAL),
							new Listener());
				}
			}
		}
	}

	/**
	 * Report the property as bound to the handlers behind, which include the one that
	 * rejects unknown keys.
	 */
	private void markKnown(ConfigurationPropertyName name, Bindable<?> target, BindContext context) {
		super.onSuccess(name, target, context, "");
	}

	private boolean isEmpty(ConfigurationPropertyName name, BindContext context) {
		if (!ROOT.isAncestorOf(name)) {
			return false;
		}
		// The first source that holds the name is the one the binder reads.
		for (ConfigurationPropertySource source : context.getSources()) {
			ConfigurationProperty property = source.getConfigurationProperty(name);
			if (property != null) {
				return this.placeholders.resolvePlaceholders(property.getValue()) instanceof CharSequence text
						&& text.isEmpty();
			}
		}
		return false;
	}

	private static boolean isList(Bindable<?> target) {
		return target.getType().isArray() || Collection.class.isAssignableFrom(target.getType().toClass());
	}

}

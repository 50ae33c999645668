package io.pointsman.proxy.config;

/** What an {@code http_response} rule may do: the key chosen in the rule's map. */
public sealed interface ResponseAction permits HttpActions.SetHeader, HttpActions.AddHeader, HttpActions.DelHeader,
        HttpActions.ReplaceHeader, HttpActions.Deny {
}

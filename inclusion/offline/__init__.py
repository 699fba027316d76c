"""Working without a network (the digital bus): a page that records individual sessions on the device and sends
them, each once, when the network returns."""

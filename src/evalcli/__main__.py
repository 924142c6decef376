from evalcli.entry import main

main()
